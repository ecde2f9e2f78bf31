import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScenario } from "@scenario/kit";
import type { VoiceRecording } from "@scenario/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import bankCall from "./bank-call.scenario";
import { BANK_AGENT_LINES, type OfflineVoice, startOfflineVoice } from "./offline-voice";

describe("examples/voice: the bank call demo", () => {
  let offline: OfflineVoice;
  let recordings: string;
  const previousDir = process.env.SCENARIO_VOICE_RECORDINGS;

  beforeAll(async () => {
    offline = await startOfflineVoice({ paceFactor: 4 });
    recordings = await mkdtemp(join(tmpdir(), "scenario-voice-demo-"));
    process.env.SCENARIO_VOICE_RECORDINGS = recordings;
  });

  afterAll(async () => {
    await offline.close();
    await rm(recordings, { recursive: true, force: true });
    if (previousDir === undefined) delete process.env.SCENARIO_VOICE_RECORDINGS;
    else process.env.SCENARIO_VOICE_RECORDINGS = previousDir;
  });

  it("runs offline against the fake servers: barge-in, recording and a verdict", async () => {
    const result = await runScenario(bankCall);
    expect(result.status).toBe("SUCCESS");

    const recording = result.artifacts.voice as VoiceRecording;
    expect(recording.segments.map((segment) => segment.speaker)).toEqual(["user", "agent", "user", "agent"]);
    // The caller cut the long explanation short: the server was told, and the segment is marked.
    const cut = recording.segments[1]!;
    expect(cut.transcriptTruncated).toBe(true);
    expect(recording.timeline.find((event) => event.type === "user-interrupt")?.outcome).toBe(
      "fired-after-speech",
    );
    expect(offline.realtime.cancels).toHaveLength(1);
    expect(recording.latency.timeToFirstAudioMs).toHaveLength(2);
    expect(recording.latency.interruptResponseTimesMs).toHaveLength(1);
    expect(recording.segments[3]?.transcript).toBe(BANK_AGENT_LINES[1]);

    // The demo saved the call: one WAV of the call, one per segment, and the manifest.
    const [folder] = await readdir(recordings);
    const files = await readdir(join(recordings, folder!));
    expect(files).toEqual(expect.arrayContaining(["call.wav", "manifest.json"]));
    expect(files.filter((file) => file.startsWith("segment-"))).toHaveLength(4);
  }, 60_000);
});
