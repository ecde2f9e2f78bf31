import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScenarioResult, VoiceRecording } from "@scenario/spec";
import { afterAll, beforeAll, expect } from "vitest";

// What the offline voice demos' tests share: the servers up for the suite, recordings in a temporary
// folder, and the shape every two-turn call's result must have.

/**
 * Starts the demo's servers before the suite and closes them after it, pointing
 * SCENARIO_VOICE_RECORDINGS at a temporary folder (named from `recordingsPrefix`) meanwhile.
 * Returns a getter for the running servers.
 */
export function useVoiceServers<Servers extends { close(): Promise<void> }>(
  start: () => Promise<Servers>,
  recordingsPrefix: string,
): () => Servers {
  let servers: Servers | undefined;
  let recordings: string;
  const previousDir = process.env.SCENARIO_VOICE_RECORDINGS;

  beforeAll(async () => {
    servers = await start();
    recordings = await mkdtemp(join(tmpdir(), recordingsPrefix));
    process.env.SCENARIO_VOICE_RECORDINGS = recordings;
  });

  afterAll(async () => {
    await servers?.close();
    await rm(recordings, { recursive: true, force: true });
    if (previousDir === undefined) delete process.env.SCENARIO_VOICE_RECORDINGS;
    else process.env.SCENARIO_VOICE_RECORDINGS = previousDir;
  });

  return () => {
    if (servers === undefined)
      throw new Error("The voice servers are not started yet: use them inside a test.");
    return servers;
  };
}

/**
 * Checks a call succeeded with two user turns each answered by the agent, with a time to first
 * audio for each, and returns its recording for the demo's own checks.
 */
export function expectTwoAnsweredTurns(result: ScenarioResult): VoiceRecording {
  expect(result.status).toBe("SUCCESS");
  const recording = result.artifacts.voice as VoiceRecording;
  expect(recording.segments.map((segment) => segment.speaker)).toEqual(["user", "agent", "user", "agent"]);
  expect(recording.latency.timeToFirstAudioMs).toHaveLength(2);
  return recording;
}
