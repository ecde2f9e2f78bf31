import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError, type VoiceAudioChunk } from "@scenario/spec";
import { afterEach, describe, expect, it } from "vitest";
import { findAudioPlayer, startAudioPlayback } from "./audio-playback";
import { concatPcm } from "./pcm";

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(
    directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })),
  );
});

async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "scenario-playback-"));
  directories.push(directory);
  return directory;
}

/** Puts stub players in a directory: each copies its stdin to `<name>.pcm` and its arguments to `<name>.args`. */
async function stubPlayers(names: string[]): Promise<string> {
  const directory = await temporaryDirectory();
  for (const name of names) {
    const script = join(directory, name);
    // A Node script, so that PATH can hold the stubs alone (a real player may be installed).
    await writeFile(
      script,
      [
        `#!${process.execPath}`,
        'const { createWriteStream, writeFileSync } = require("node:fs");',
        `writeFileSync(${JSON.stringify(`${script}.args`)}, process.argv.slice(2).join(" "));`,
        `process.stdin.pipe(createWriteStream(${JSON.stringify(`${script}.pcm`)}));`,
      ].join("\n"),
    );
    await chmod(script, 0o755);
  }
  return directory;
}

function envWith(directory: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: directory, ...extra };
}

function pcm(samples: number, value: number): Uint8Array {
  return new Uint8Array(samples * 2).fill(value);
}

describe("findAudioPlayer", () => {
  it("prefers sox's play, then ffplay, then aplay, and gives each its raw PCM16 24 kHz mono arguments", async () => {
    const directory = await stubPlayers(["aplay", "ffplay"]);
    const found = findAudioPlayer({ PATH: directory });
    expect(found?.path).toBe(join(directory, "ffplay"));
    expect(found?.args).toEqual(expect.arrayContaining(["s16le", "24000", "-"]));
    const withPlay = await stubPlayers(["play", "aplay"]);
    expect(findAudioPlayer({ PATH: withPlay })?.path).toBe(join(withPlay, "play"));
  });

  it("finds nothing on a PATH without players", async () => {
    expect(findAudioPlayer({ PATH: await temporaryDirectory() })).toBeUndefined();
    expect(findAudioPlayer({})).toBeUndefined();
  });
});

describe("startAudioPlayback", () => {
  it("names the players to install when none is on PATH", async () => {
    const empty = await temporaryDirectory();
    const start = () => startAudioPlayback({ env: { PATH: empty } });
    expect(start).toThrow(ConfigurationError);
    expect(start).toThrow(/`play` \(sox\).*`ffplay` \(ffmpeg\).*`aplay` \(alsa-utils\)/);
  });

  it("is refused in CI unless forced", async () => {
    const directory = await stubPlayers(["aplay"]);
    expect(() => startAudioPlayback({ env: envWith(directory, { CI: "true" }) })).toThrow(
      /refused in CI.*force: true/,
    );
    const forced = startAudioPlayback({ env: envWith(directory, { CI: "true" }), force: true });
    await forced.close();
    expect(forced.player.path).toBe(join(directory, "aplay"));
    // CI=false is not CI.
    const notCi = startAudioPlayback({ env: envWith(directory, { CI: "false" }) });
    await notCi.close();
  });

  it("streams the chunks in order to the player's stdin, with silence where the timeline has a gap", async () => {
    const directory = await stubPlayers(["aplay"]);
    const playback = startAudioPlayback({ env: envWith(directory) });
    const chunks: VoiceAudioChunk[] = [
      { speaker: "user", format: "pcm16-24khz", timestampMs: 0, data: pcm(240, 1) },
      { speaker: "user", format: "pcm16-24khz", timestampMs: 10, data: pcm(240, 2) },
      // 20 ms of silence between the caller and the agent.
      { speaker: "agent", format: "pcm16-24khz", timestampMs: 40, data: pcm(480, 3) },
    ];
    for (const chunk of chunks) playback.write(chunk);
    await playback.close();
    // A second close is harmless.
    await playback.close();

    const played = new Uint8Array(await readFile(join(directory, "aplay.pcm")));
    expect(played).toEqual(concatPcm([pcm(240, 1), pcm(240, 2), pcm(480, 0), pcm(480, 3)]));
    const args = await readFile(join(directory, "aplay.args"), "utf8");
    expect(args.trim()).toBe("-q -t raw -f S16_LE -r 24000 -c 1 -");
  });

  it("does not fail the writer when the player has already quit", async () => {
    const directory = await temporaryDirectory();
    const script = join(directory, "aplay");
    await writeFile(script, `#!${process.execPath}\nprocess.exit(0);\n`);
    await chmod(script, 0o755);
    const playback = startAudioPlayback({ env: envWith(directory) });
    // Large enough to outlast the pipe's buffer: the writes meet a closed pipe.
    for (let index = 0; index < 20; index++) {
      playback.write({
        speaker: "agent",
        format: "pcm16-24khz",
        timestampMs: index * 1000,
        data: pcm(24_000, 5),
      });
    }
    await expect(playback.close()).resolves.toBeUndefined();
  });
});
