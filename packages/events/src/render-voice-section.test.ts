import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeRunEvents } from "../test/fixtures";
import { collectRuns, renderHtmlReport } from "./index";
import { renderVoiceSection, voiceCallOf } from "./render-voice-section";

const CHROMIUM = "/usr/bin/chromium";
const runBrowserTests = existsSync(CHROMIUM) || Boolean(process.env.CI);

/** A tiny valid WAV (8 kHz, 4 samples of silence) as a data URL. */
const WAV_DATA_URL = `data:audio/wav;base64,${Buffer.concat([
  Buffer.from("RIFF"),
  Buffer.from([44, 0, 0, 0]),
  Buffer.from("WAVEfmt "),
  Buffer.from([16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2, 0, 16, 0]),
  Buffer.from("data"),
  Buffer.from([8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
]).toString("base64")}`;

function voiceCall(overrides: Record<string, unknown> = {}) {
  return {
    durationMs: 9000,
    turns: [
      { turn: 1, timeToFirstAudioMs: 420 },
      { turn: 2, timeToFirstAudioMs: 910 },
      { turn: 3, timeToFirstAudioMs: 300 },
    ],
    interrupts: [{ atMs: 5200, outcome: "fired-after-speech", responseMs: 85 }],
    latency: {
      timeToFirstAudioMs: [420, 910, 300],
      averageMs: 543.3,
      p50Ms: 420,
      p95Ms: 910,
      interruptResponseTimesMs: [85],
    },
    ...overrides,
  };
}

describe("renderVoiceSection", () => {
  it("draws one bar per turn, titled with its time to first audio, and a p95 line", () => {
    const html = renderVoiceSection({ voiceCall: voiceCall() })!;
    const bars = [
      ...html.matchAll(
        /<rect class="vc-bar" data-turn="(\d)"[^>]*height="([\d.]+)"><title>([^<]*)<\/title>/g,
      ),
    ];
    expect(bars.map((bar) => bar[1])).toEqual(["1", "2", "3"]);
    expect(bars.map((bar) => bar[3])).toEqual([
      "Turn 1: first audio after 420 ms",
      "Turn 2: first audio after 910 ms",
      "Turn 3: first audio after 300 ms",
    ]);
    // Heights follow the times: the slowest turn is the tallest bar.
    const heights = bars.map((bar) => Number(bar[2]));
    expect(heights[1]).toBeGreaterThan(heights[0]!);
    expect(heights[0]).toBeGreaterThan(heights[2]!);
    expect(html).toContain("<title>p95 910 ms</title>");
    expect(html).toContain(
      "3 agent turn(s) · call 9000 ms · first audio: average 543 ms · p50 420 ms · p95 910 ms",
    );
    expect(html).toContain("At 5200 ms: fired-after-speech, stopped after 85 ms");
  });

  it("escapes what it shows and plays only relative files or embedded WAVs", () => {
    const html = renderVoiceSection({
      voiceCall: voiceCall({
        interrupts: [{ atMs: 1, outcome: "<img src=x onerror=alert(1)>" }],
        audioSrc: "calls/a b.wav",
      }),
    })!;
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain('<audio class="vc-audio" controls preload="none" src="calls/a b.wav"></audio>');
    for (const unsafe of [
      "https://evil.test/a.wav",
      "../secret.wav",
      "/etc/a.wav",
      "javascript:alert(1)",
      "data:text/html,x",
    ]) {
      expect(renderVoiceSection({ voiceCall: voiceCall({ audioSrc: unsafe }) })).not.toContain("<audio");
    }
    expect(renderVoiceSection({ voiceCall: voiceCall({ audioSrc: WAV_DATA_URL }) })).toContain(
      `src="${WAV_DATA_URL}"`,
    );
  });

  it("shows nothing for a run without a voice call, or with a malformed one", () => {
    expect(renderVoiceSection(undefined)).toBeUndefined();
    expect(renderVoiceSection({ voiceCall: "yes" })).toBeUndefined();
    expect(
      voiceCallOf({ voiceCall: { turns: [{ turn: 1, timeToFirstAudioMs: -5 }], latency: {} } })?.turns,
    ).toEqual([]);
  });

  it("goes into the report as a template, with a policy that lets only its audio play", () => {
    const runs = collectRuns(fakeRunEvents({ runId: "v1", name: "Call" }));
    const html = renderHtmlReport([
      { ...runs[0]!, artifacts: { voiceCall: voiceCall({ audioSrc: "call.wav" }) } },
    ]);
    expect(html).toContain('<template id="voice-v1"><section class="voice-call">');
    expect(html).toContain("media-src 'self' data:");
    expect(html).toContain("default-src 'none'");
  });
});

describe.skipIf(!runBrowserTests)("the voice section in headless Chromium", () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "scenario-voice-html-"));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("appears in an opened run: the strip's bars and a player for the embedded call", async () => {
    const runs = collectRuns(fakeRunEvents({ runId: "v1", name: "Call" }));
    const path = join(directory, "report.html");
    writeFileSync(
      path,
      renderHtmlReport([{ ...runs[0]!, artifacts: { voiceCall: voiceCall({ audioSrc: WAV_DATA_URL }) } }]),
    );
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("pageerror", (error) => problems.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      await page.goto(pathToFileURL(path).href);
      const run = page.locator("li.run[data-run-id='v1']");
      await run.locator("summary").click();
      const section = run.locator("section.voice-call");
      await expect.poll(() => section.isVisible()).toBe(true);
      expect(await section.locator("rect.vc-bar").count()).toBe(3);
      const duration = await section.locator("audio").evaluate(
        (audio: HTMLAudioElement) =>
          new Promise<number>((resolve) => {
            audio.addEventListener("loadedmetadata", () => resolve(audio.duration), { once: true });
            audio.addEventListener("error", () => resolve(-1), { once: true });
            audio.load();
          }),
      );
      // 4 samples at 8 kHz: the page was allowed to load the embedded WAV.
      expect(duration).toBeCloseTo(0.0005, 4);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
