import { ScenarioExecution } from "@scenario/core";
import type { ScenarioEvent, ScenarioResult, VoiceRecording } from "@scenario/spec";
import {
  type FakeVoiceWebSocketServer,
  type FakeVoiceWebSocketServerOptions,
  startFakeVoiceWebSocketServer,
} from "@scenario/testing/voice-websocket";
import {
  closeAfterTest,
  noiseAudio,
  voiceRecordingOf as recordingOf,
  scenarioRunner,
  type VoiceRunOutcome,
} from "../../../tooling/test-helpers/voice-harness";
import {
  type ServeVoiceAgentOptions,
  serveVoiceAgent,
  type VoiceAgentHandler,
  type VoiceAgentServer,
} from "../src";

// Shared by this folder's tests. Not exported from the package. The harness they share with the
// other voice adapters lives in tooling/test-helpers/voice-harness.ts.
export { assistantMessages, noiseBytes as noiseAudio } from "../../../tooling/test-helpers/voice-harness";

/** Starts a fake voice agent that is closed after the test. */
export async function fakeVoiceAgent(
  options: FakeVoiceWebSocketServerOptions = {},
): Promise<FakeVoiceWebSocketServer> {
  return closeAfterTest(await startFakeVoiceWebSocketServer(options));
}

/** Starts a `serveVoiceAgent()` server that is closed after the test. */
export async function servedAgent(
  handler: VoiceAgentHandler,
  options?: ServeVoiceAgentOptions,
): Promise<VoiceAgentServer> {
  return closeAfterTest(await serveVoiceAgent(handler, options));
}

/** Milliseconds of PCM16 24 kHz mono noise. */
export function noisePcm(ms: number, seed: number): Uint8Array {
  return noiseAudio(ms, seed);
}

/** What a run left behind: its result (or error), its events and the run-finished event. */
export type RunOutcome = VoiceRunOutcome<ScenarioEvent, ScenarioResult>;

/** Runs a scenario through the real executor, keeping its events even when it rejects. */
export const runScenario = scenarioRunner(ScenarioExecution, {
  name: "voice websocket scenario",
  description: "A caller talks to a voice agent over the Scenario voice protocol.",
});

/** The voice recording attached to a result. */
export const voiceRecordingOf: (result: ScenarioResult | undefined) => VoiceRecording = recordingOf;
