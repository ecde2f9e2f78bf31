import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agent, succeed, user } from "@scenario/script";
import type { VoiceAudioChunk, VoiceRecording } from "@scenario/spec";
import { syntheticSpeech } from "@scenario/testing/realtime";
import { concatPcm, pcmByteLength, voiceMessage } from "@scenario/voice";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openAIRealtimeAgent } from "../src";
import {
  fakeRealtimeServer,
  noiseAudio,
  runScenario,
  TEST_API_KEY,
  voiceRecordingOf,
} from "./realtime-test-helpers";

// `audioPlayback: true` looks for a player on PATH at run time: these tests put a stub `play` there
// (a Node script that saves its stdin) or nothing at all, and clear CI, where playback is refused.

let savedEnv: { PATH: string | undefined; CI: string | undefined };
let directory: string;

beforeEach(async () => {
  savedEnv = { PATH: process.env.PATH, CI: process.env.CI };
  delete process.env.CI;
  directory = await mkdtemp(join(tmpdir(), "scenario-play-"));
});

afterEach(async () => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await rm(directory, { recursive: true, force: true });
});

async function installStubPlay(): Promise<string> {
  const script = join(directory, "play");
  await writeFile(
    script,
    [
      `#!${process.execPath}`,
      'const { createWriteStream } = require("node:fs");',
      `process.stdin.pipe(createWriteStream(${JSON.stringify(`${script}.pcm`)}));`,
    ].join("\n"),
  );
  await chmod(script, 0o755);
  process.env.PATH = directory;
  return `${script}.pcm`;
}

/** The call as one stream: each segment at its start on the timeline, silence in the gaps. */
function renderCall(recording: VoiceRecording): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const segment of recording.segments) {
    const startByte = pcmByteLength(segment.startMs);
    if (startByte > length + 2) {
      parts.push(new Uint8Array(startByte - length));
      length = startByte;
    }
    parts.push(segment.audio);
    length += segment.audio.byteLength;
  }
  return concatPcm(parts);
}

async function runCall(config: { audioPlayback?: boolean; onAudioChunk?: (chunk: VoiceAudioChunk) => void }) {
  const server = await fakeRealtimeServer({
    paceFactor: Number.POSITIVE_INFINITY,
    reply: [
      { transcript: "Hello, this is the bank.", audio: noiseAudio(500, 21) },
      { transcript: "Your balance is 42 euros.", audio: noiseAudio(700, 22) },
    ],
  });
  return runScenario(
    [openAIRealtimeAgent({ url: server.url, apiKey: TEST_API_KEY })],
    [
      user(voiceMessage("user", syntheticSpeech("Hello"), "Hello")),
      agent(),
      user(voiceMessage("user", syntheticSpeech("My balance please"), "My balance please")),
      agent(),
      succeed(),
    ],
    config,
  );
}

describe.skipIf(process.platform === "win32")("audioPlayback through a player on PATH", () => {
  it("streams the whole call, both sides in timeline order, to the player, beside onAudioChunk", async () => {
    const output = await installStubPlay();
    const chunks: VoiceAudioChunk[] = [];
    const { result, error } = await runCall({
      audioPlayback: true,
      onAudioChunk: (chunk) => chunks.push(chunk),
    });
    expect(error).toBeUndefined();
    const recording = voiceRecordingOf(result);
    expect(recording.segments.map((segment) => segment.speaker)).toEqual(["user", "agent", "user", "agent"]);

    // The run waited for the player to take everything: the file is complete when the run returns.
    const played = new Uint8Array(await readFile(output));
    expect(played).toEqual(renderCall(recording));
    expect(played.byteLength).toBeGreaterThan(
      concatPcm(recording.segments.map((segment) => segment.audio)).byteLength,
    );
    // Playback did not take the hook's place.
    expect(concatPcm(chunks.map((chunk) => chunk.data))).toEqual(
      concatPcm(recording.segments.map((segment) => segment.audio)),
    );
  });

  it("fails the run before the call with an error naming the players when none is on PATH", async () => {
    process.env.PATH = directory;
    const { result, error, finished } = await runCall({ audioPlayback: true });
    const message = String(
      result?.error ?? (error instanceof Error ? error.message : error) ?? finished?.status,
    );
    expect(message).toMatch(/`play` \(sox\), `ffplay` \(ffmpeg\), `aplay` \(alsa-utils\)/);
    expect(result?.success ?? false).toBe(false);
  });
});
