import { ScenarioExecution } from "@scenario/core";
import type { ScenarioEvent, ScenarioResult, VoiceRecording } from "@scenario/spec";
import {
  type FakeElevenLabsServer,
  type FakeElevenLabsServerOptions,
  startFakeElevenLabsServer,
} from "@scenario/testing/elevenlabs";
import { syntheticSpeech } from "@scenario/testing/realtime";
import type { TextToSpeechProvider } from "@scenario/voice";
import {
  closeAfterTest,
  voiceRecordingOf as recordingOf,
  scenarioRunner,
  seededStates,
  type VoiceRunOutcome,
} from "../../../tooling/test-helpers/voice-harness";

// Shared by this folder's tests. Not exported from the package. The harness they share with the
// other voice adapters lives in tooling/test-helpers/voice-harness.ts.
export { byteDifference } from "../../../tooling/test-helpers/voice-harness";

/** Starts a fake ElevenLabs agent that is closed after the test. */
export async function fakeElevenLabs(
  options: FakeElevenLabsServerOptions = {},
): Promise<FakeElevenLabsServer> {
  return closeAfterTest(await startFakeElevenLabsServer(options));
}

/** Speaks scripted user text as speech-like tones at once: no trailing silence to blur timings. */
export const syntheticTts: TextToSpeechProvider = {
  id: "synthetic",
  async synthesize(text) {
    return { data: syntheticSpeech(text), transcript: text };
  },
};

/** PCM16 samples in a pseudo-random, loud sequence: any loss, reordering or re-encoding shows. */
export function noisePcm16(ms: number, seed: number, sampleRateHz = 16_000): Uint8Array {
  const states = seededStates(Math.round((ms * sampleRateHz) / 1000), seed);
  const audio = new Uint8Array(states.length * 2);
  const view = new DataView(audio.buffer);
  for (const [index, state] of states.entries())
    view.setInt16(index * 2, ((state >>> 16) % 16_000) - 8000, true);
  return audio;
}

/** What a run left behind: its result (or error), its events and the run-finished event. */
export type RunOutcome = VoiceRunOutcome<ScenarioEvent, ScenarioResult>;

/** Runs a scripted scenario through the real executor, keeping its events even when it rejects. */
export const runScenario = scenarioRunner(ScenarioExecution, {
  name: "elevenlabs conversation",
  description: "A caller talks to an ElevenLabs agent.",
});

/** The voice recording attached to a result. */
export const voiceRecordingOf: (result: ScenarioResult | undefined) => VoiceRecording = recordingOf;
