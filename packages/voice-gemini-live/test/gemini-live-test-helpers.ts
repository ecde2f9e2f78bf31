import { ScenarioExecution } from "@scenario/core";
import type { ScenarioEvent, ScenarioResult, VoiceRecording } from "@scenario/spec";
import {
  type FakeGeminiLiveServer,
  type FakeGeminiLiveServerOptions,
  startFakeGeminiLiveServer,
} from "@scenario/testing/gemini-live";
import {
  closeAfterTest,
  voiceRecordingOf as recordingOf,
  scenarioRunner,
  type VoiceRunOutcome,
} from "../../../tooling/test-helpers/voice-harness";

// Shared by this folder's tests. Not exported from the package. The harness they share with the
// other voice adapters lives in tooling/test-helpers/voice-harness.ts.
export { assistantMessages, noiseAudio } from "../../../tooling/test-helpers/voice-harness";

/** A fake key: tests check it never shows up in errors, events, results or the fake's logs. */
export const TEST_API_KEY = "AIza-test-gemini-secret-0123456789";

/** Starts a fake Gemini Live server that is closed after the test. */
export async function fakeGeminiLiveServer(
  options: FakeGeminiLiveServerOptions = {},
): Promise<FakeGeminiLiveServer> {
  return closeAfterTest(await startFakeGeminiLiveServer(options));
}

/** What a run left behind: its result (or error), its events and the run-finished event. */
export type RunOutcome = VoiceRunOutcome<ScenarioEvent, ScenarioResult>;

/** Runs a scripted scenario through the real executor, keeping its events even when it rejects. */
export const runScenario = scenarioRunner(ScenarioExecution, {
  name: "voice scenario",
  description: "A caller talks to a voice agent.",
});

/** The voice recording attached to a result. */
export const voiceRecordingOf: (result: ScenarioResult | undefined) => VoiceRecording = recordingOf;
