import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureStream, fakeRunEvents } from "../test/fixtures";
import { RunCollector } from "./collect-runs";
import { HTML_REPORT_PAGE_SIZE } from "./html-report-client-script";
import { collectRuns, createEventBus, htmlReporter, renderHtmlReport } from "./index";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
// Without a browser the browser tests are skipped locally, but CI must have one.
const runBrowserTests = hasChromium || Boolean(process.env.CI);

const XSS_SCRIPT = "<script>window.__xss = 'script'</script>";
const XSS_IMG = `<img src=x onerror="window.__xss = 'img'">`;
const XSS_BREAKOUT = "</script><script>window.__xss = 'breakout'</script><!--";
const PAYLOAD = `Here you go: ${XSS_SCRIPT} ${XSS_IMG} ${XSS_BREAKOUT}`;

function sampleEvents() {
  return [
    ...fakeRunEvents({ runId: "r1", name: "Greets politely", setId: "onboarding", scenarioId: "greet" }),
    ...fakeRunEvents({
      runId: "r2",
      name: `Vegetarian recipe ${XSS_IMG}`,
      setId: "recipes",
      scenarioId: "veg",
      status: "FAILED",
      reasoning: `The agent answered with markup: ${XSS_SCRIPT}`,
      messages: [
        { id: "m1", role: "user", content: "Give me a vegetarian recipe" },
        {
          id: "m2",
          role: "assistant",
          toolCalls: [
            {
              id: "c1",
              type: "function",
              function: { name: "search_recipes", arguments: `{"q":"${XSS_IMG.replace(/"/g, '\\"')}"}` },
            },
          ],
        },
        { id: "m3", role: "tool", toolCallId: "c1", content: '{"results":["shakshuka"]}' },
        { id: "m4", role: "assistant", content: PAYLOAD },
      ],
    }),
    ...fakeRunEvents({
      runId: "r3",
      name: "Refund flow",
      setId: "recipes",
      status: "ERROR",
      error: "[MyAgent] socket hang up",
    }),
    ...fakeRunEvents({ runId: "r4", name: "Cancelled one", setId: "onboarding", status: "CANCELLED" }),
  ];
}

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "scenario-html-"));
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe("renderHtmlReport", () => {
  it("makes one self-contained page: no external resources, strict CSP, payloads only inside escaped JSON", () => {
    const html = renderHtmlReport(collectRuns(sampleEvents()));
    const dataStart = html.indexOf('<script type="application/json"');
    const dataEnd = html.indexOf("</script>", dataStart);
    const page = html.slice(0, dataStart) + html.slice(dataEnd);
    expect(page).not.toMatch(/<(link|iframe|object|embed|img)\b/i);
    expect(page).not.toMatch(/\b(src|href)\s*=/i);
    expect(page).not.toMatch(/https?:\/\//);
    expect(html).toContain("Content-Security-Policy");
    expect(html).toContain("default-src 'none'");
    // Exactly our two script elements; the payload never opens or closes one.
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html).not.toContain("<img");
    const data = html.slice(html.indexOf('id="scenario-report-data">'), html.indexOf("</script>"));
    expect(data).toContain("\\u003cscript\\u003e");
  });
});

describe("htmlReporter", () => {
  it("writes the report at the end of the suite", async () => {
    const bus = createEventBus({
      reporters: [htmlReporter({ cwd: directory, title: "Nightly" })],
      stderr: captureStream(),
    });
    for (const event of sampleEvents()) bus.publish(event);
    await bus.endSuite();
    await bus.drain();
    const html = readFileSync(join(directory, "scenario-reports", "index.html"), "utf8");
    expect(html).toContain("<title>Nightly</title>");
    expect(html).toContain("Greets politely");
  });
});

describe.skipIf(!runBrowserTests)("the HTML report in headless Chromium", () => {
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) {
      throw new Error(
        `${CHROMIUM} is missing and CI is set: install it (apt-get install chromium) so the HTML report is tested.`,
      );
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    page = await browser.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    page.on("dialog", (dialog) => {
      pageErrors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("lists the runs, filters by status and set, and shows a run's transcript and criteria on expand", async () => {
    const path = join(directory, "report.html");
    writeFileSync(path, renderHtmlReport(collectRuns(sampleEvents()), { title: "Report" }));
    await page.goto(pathToFileURL(path).href);

    await expect.poll(() => page.textContent("#count")).toBe("Showing 4 of 4 runs");
    const visibleNames = () => page.locator("li.run:visible .name").allTextContents();
    expect(await visibleNames()).toEqual([
      "Greets politely",
      `Vegetarian recipe ${XSS_IMG}`,
      "Refund flow",
      "Cancelled one",
    ]);

    await page.selectOption("#status-filter", "FAILED");
    expect(await page.textContent("#count")).toBe("Showing 1 of 4 runs");
    expect(await visibleNames()).toEqual([`Vegetarian recipe ${XSS_IMG}`]);

    await page.selectOption("#status-filter", "ALL");
    await page.selectOption("#set-filter", "recipes");
    expect(await visibleNames()).toEqual([`Vegetarian recipe ${XSS_IMG}`, "Refund flow"]);
    await page.selectOption("#set-filter", "ALL");

    await page.click("#totals button[data-status='CANCELLED']");
    expect(await visibleNames()).toEqual(["Cancelled one"]);
    await page.selectOption("#status-filter", "ALL");
    // The search waits for typing to pause (debounced), so the list is polled, within a bound.
    await page.fill("#search", "refund");
    await expect.poll(visibleNames).toEqual(["Refund flow"]);
    await page.fill("#search", "");
    await expect.poll(() => page.textContent("#count")).toBe("Showing 4 of 4 runs");

    // Failures are open from the start; a passed run opens on a click.
    const failedRun = page.locator("li.run[data-run-id='r2']");
    const detail = failedRun.locator(".detail");
    await expect.poll(() => detail.isVisible()).toBe(true);
    const passedRun = page.locator("li.run[data-run-id='r1']");
    expect(await passedRun.locator(".detail").count()).toBe(0);
    await passedRun.locator("summary").click();
    await expect.poll(() => passedRun.locator(".detail").isVisible()).toBe(true);
    const messages = detail.locator(".message");
    expect(await messages.locator(".role").allTextContents()).toEqual([
      "User",
      "Tool call · search_recipes",
      "Tool result · search_recipes",
      "Agent",
    ]);
    expect(await messages.nth(0).locator(".content").textContent()).toBe("Give me a vegetarian recipe");
    // The agent's markup is shown as the text it is.
    expect(await messages.nth(3).locator(".content").textContent()).toBe(PAYLOAD);
    expect(await messages.nth(2).locator(".content").textContent()).toContain('"shakshuka"');
    expect(await detail.locator(".verdict-reasoning").textContent()).toBe(
      `The agent answered with markup: ${XSS_SCRIPT}`,
    );
    const criteria = detail.locator(".criteria li");
    expect(await criteria.count()).toBe(2);
    expect(await criteria.nth(1).locator(".badge").textContent()).toBe("unmet");
    expect(await criteria.nth(1).locator(".criterion-text").textContent()).toBe("Agent gives a recipe");
    expect(await criteria.nth(1).locator(".reasoning").textContent()).toBe("No recipe in any reply.");
    expect(await detail.locator(".facts-table").textContent()).toContain("Agent time");

    const erroredRun = page.locator("li.run[data-run-id='r3']");
    expect(await erroredRun.locator(".error-text").textContent()).toBe("Error: [MyAgent] socket hang up");

    // None of the injected payloads ran or turned into elements.
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.locator("script").count()).toBe(2);
    expect(pageErrors).toEqual([]);
  });

  it("groups repeats per scenario with pass^k and the run number (friction 9: identical flat rows)", async () => {
    const events = [
      ...fakeRunEvents({ runId: "a1", scenarioId: "refund", name: "Refund", startedAt: 1_000 }),
      ...fakeRunEvents({ runId: "b1", scenarioId: "greet", name: "Greet", startedAt: 1_500 }),
      ...fakeRunEvents({
        runId: "a3",
        scenarioId: "refund",
        name: "Refund",
        startedAt: 3_000,
        status: "FAILED",
      }),
      ...fakeRunEvents({ runId: "a2", scenarioId: "refund", name: "Refund", startedAt: 2_000 }),
      ...fakeRunEvents({ runId: "c1", scenarioId: "bye", name: "Bye", startedAt: 4_000 }),
      ...fakeRunEvents({ runId: "c2", scenarioId: "bye", name: "Bye", startedAt: 5_000 }),
    ];
    const path = join(directory, "repeats.html");
    writeFileSync(path, renderHtmlReport(collectRuns(events)));
    await page.goto(pathToFileURL(path).href);
    await expect.poll(() => page.textContent("#count")).toBe("Showing 6 of 6 runs");

    const rows = await page
      .locator("#runs > li")
      .evaluateAll((items) =>
        items.map((item) =>
          item.classList.contains("repeat-group")
            ? `group ${item.querySelector(".name")?.textContent} ${item.querySelector(".pass-k")?.textContent}`
            : `${(item as HTMLElement).dataset.runId} ${item.querySelector(".facts")?.textContent?.split(" · ")[0]}`,
        ),
      );
    expect(rows).toEqual([
      "group Refund pass^3 ✗ · 2/3 passed",
      "a1 run 1 of 3",
      "a2 run 2 of 3",
      "a3 run 3 of 3",
      "b1 2 turns",
      "group Bye pass^2 ✓ · 2/2 passed",
      "c1 run 1 of 2",
      "c2 run 2 of 2",
    ]);
    // The failed repeat is open; the passed ones are not.
    expect(await page.locator("li.run[data-run-id='a3'] .detail").isVisible()).toBe(true);
    expect(await page.locator("li.run[data-run-id='a1'] .detail").count()).toBe(0);
    // A group's heading hides with its runs.
    await page.fill("#search", "greet");
    await expect.poll(() => page.textContent("#count")).toBe("Showing 1 of 6 runs");
    expect(await page.locator("li.repeat-group:visible").count()).toBe(0);
    await page.fill("#search", "refund");
    await expect.poll(() => page.textContent("#count")).toBe("Showing 3 of 6 runs");
    expect(await page.locator("li.repeat-group:visible .name").allTextContents()).toEqual(["Refund"]);
    expect(pageErrors).toEqual([]);
  });

  it("renders a report of 1,000 runs a page at a time, the rest on scroll", async () => {
    const events = Array.from({ length: 1000 }, (_, index) =>
      fakeRunEvents({
        runId: `run-${index}`,
        name: `Scenario number ${index}`,
        setId: `set-${index % 7}`,
        status: index % 10 === 0 ? "FAILED" : "SUCCESS",
      }),
    ).flat();
    const path = join(directory, "large.html");
    writeFileSync(path, renderHtmlReport(collectRuns(events)));
    await page.goto(pathToFileURL(path).href);
    await expect.poll(() => page.textContent("#count")).toBe("Showing 1000 of 1000 runs");
    // One page of rows is drawn; the rest wait behind "Show more" and come on scroll.
    expect(await page.locator("li.run").count()).toBe(HTML_REPORT_PAGE_SIZE);
    // Details are drawn only when a run is opened: failures are, by default (every 10th run here).
    expect(await page.locator(".detail").count()).toBe(HTML_REPORT_PAGE_SIZE / 10);
    await page.locator("#more").scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator("li.run").count()).toBeGreaterThan(HTML_REPORT_PAGE_SIZE);
    // Dispatched, not clicked: scrolling to the button draws the next page and moves it away.
    await page.locator("#more button").dispatchEvent("click");
    await expect.poll(() => page.locator("li.run").count()).toBeGreaterThanOrEqual(HTML_REPORT_PAGE_SIZE * 3);
    await page.selectOption("#status-filter", "FAILED");
    expect(await page.textContent("#count")).toBe("Showing 100 of 1000 runs");
    expect(await page.locator("li.run").count()).toBe(100);
    // Only the first 50 failures open by default, wherever they were first drawn.
    expect(await page.locator(".detail").count()).toBe(50);
    const last = page.locator("li.run[data-run-id='run-990']");
    expect(await last.locator(".detail").count()).toBe(0);
    await last.locator("summary").click();
    await expect.poll(() => last.locator(".message").count()).toBe(4);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it("lists runs that never started as skipped, their names inert", async () => {
    const collector = new RunCollector();
    for (const event of fakeRunEvents({ runId: "done", name: "Ran" })) collector.add(event);
    collector.addNotStarted("batch-1", [
      {
        scenarioId: "later",
        scenarioSetId: "default",
        name: `Later ${XSS_IMG}`,
        reason: "Interrupted first.",
      },
      { scenarioId: "last", scenarioSetId: "default", name: "Last", reason: "Interrupted first." },
    ]);
    const path = join(directory, "skipped.html");
    writeFileSync(path, renderHtmlReport(collector.list()));
    await page.goto(pathToFileURL(path).href);
    await expect.poll(() => page.textContent("#count")).toBe("Showing 3 of 3 runs");
    expect(await page.textContent("#totals button[data-status='SKIPPED']")).toBe("2Skipped");
    await page.selectOption("#status-filter", "SKIPPED");
    expect(await page.locator("li.run .name").allTextContents()).toEqual([`Later ${XSS_IMG}`, "Last"]);
    const skipped = page.locator("li.run[data-status='SKIPPED']").first();
    await skipped.locator("summary").click();
    expect(await skipped.locator(".verdict-reasoning").textContent()).toBe("Interrupted first.");
    expect(await page.locator("img").count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it("loads 10,000 runs and filters them by typing, the page answering throughout (issue 14, defect 6)", async () => {
    const runs = collectRuns(
      Array.from({ length: 10_000 }, (_, index) =>
        fakeRunEvents({
          runId: `run-${index}`,
          name: `Scenario number ${index}`,
          setId: `set-${index % 7}`,
          status: index % 10 === 0 ? "FAILED" : "SUCCESS",
        }),
      ).flat(),
    );
    const path = join(directory, "huge.html");
    writeFileSync(path, renderHtmlReport(runs));
    await page.goto(pathToFileURL(path).href);
    await expect
      .poll(() => page.textContent("#count"), { timeout: 30_000 })
      .toBe("Showing 10000 of 10000 runs");
    expect(await page.locator("li.run").count()).toBe(HTML_REPORT_PAGE_SIZE);

    // Typed key by key, as a person would: each keystroke fires an input event.
    await page.locator("#search").pressSequentially("number 12");
    // "number 12", "number 120".."129", "number 1200".."1299": 1 + 10 + 100 runs.
    await expect
      .poll(() => page.textContent("#count"), { timeout: 30_000 })
      .toBe("Showing 111 of 10000 runs");
    // The page answers a round trip at once: its main thread is not stuck in a re-render.
    expect(await page.evaluate(() => document.querySelectorAll("#runs > li.run").length)).toBe(111);
    expect(await page.locator("li.run .name").first().textContent()).toBe("Scenario number 12");

    await page.fill("#search", "");
    await page.selectOption("#set-filter", "set-3");
    await expect
      .poll(() => page.textContent("#count"), { timeout: 30_000 })
      .toBe("Showing 1429 of 10000 runs");
    expect(await page.locator("li.run").count()).toBe(HTML_REPORT_PAGE_SIZE);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});

if (!runBrowserTests) {
  console.warn(
    `Skipping the HTML report browser tests: ${CHROMIUM} is missing (apt-get install chromium to run them).`,
  );
}
