import { ScenarioExecution } from "@scenario/core";
import type { ScenarioEvent, ScenarioResult, VoiceRecording, VoiceSegment } from "@scenario/spec";
import {
  type FakePipecatServer,
  type FakePipecatServerOptions,
  startFakePipecatServer,
} from "@scenario/testing/pipecat";
import {
  closeAfterTest,
  voiceRecordingOf as recordingOf,
  scenarioRunner,
  type VoiceRunOutcome,
} from "../../../tooling/test-helpers/voice-harness";

// Shared by this folder's tests. Not exported from the package. The harness they share with the
// other voice adapters lives in tooling/test-helpers/voice-harness.ts.
export { byteDifference, noiseAudio } from "../../../tooling/test-helpers/voice-harness";

/** Starts a fake Pipecat bot that is closed after the test. */
export async function fakePipecatBot(options: FakePipecatServerOptions = {}): Promise<FakePipecatServer> {
  return closeAfterTest(await startFakePipecatServer(options));
}

/** What a run left behind: its result (or error), its events and the run-finished event. */
export type RunOutcome = VoiceRunOutcome<ScenarioEvent, ScenarioResult>;

/** Runs a scenario through the real executor, keeping its events even when it rejects. */
export const runScenario = scenarioRunner(ScenarioExecution, {
  name: "pipecat scenario",
  description: "A caller talks to a Pipecat voice bot.",
});

/** The voice recording attached to a result. */
export const voiceRecordingOf: (result: ScenarioResult | undefined) => VoiceRecording = recordingOf;

/** The agent's segments of a recording. */
export function agentSegments(recording: VoiceRecording): VoiceSegment[] {
  return recording.segments.filter((segment) => segment.speaker === "agent");
}

/** Concatenates byte arrays. */
export function joinBytes(pieces: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(pieces));
}

/** The index of `needle` in `haystack`, or -1 (for "the bot heard these exact bytes"). */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(
    Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength),
  );
}
