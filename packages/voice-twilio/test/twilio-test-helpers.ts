import { ScenarioExecution } from "@scenario/core";
import type { ScenarioEvent, ScenarioResult, VoiceRecording } from "@scenario/spec";
import { type FakeTwilioBot, type FakeTwilioBotOptions, startFakeTwilioBot } from "@scenario/testing/twilio";
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

/** Starts a fake Twilio Media Streams bot that is closed after the test. */
export async function fakeTwilioBot(options: FakeTwilioBotOptions = {}): Promise<FakeTwilioBot> {
  return closeAfterTest(await startFakeTwilioBot(options));
}

/** μ-law bytes in a pseudo-random sequence: any loss, reordering or re-encoding shows. */
export function noiseMulaw(ms: number, seed: number): Uint8Array {
  // Codes 0x00-0x5f are loud, so the bot's audio is speech-loud, never silence.
  return Uint8Array.from(seededStates(ms * 8, seed), (state) => (state >>> 24) % 0x60);
}

/** What a run left behind: its result (or error), its events and the run-finished event. */
export type RunOutcome = VoiceRunOutcome<ScenarioEvent, ScenarioResult>;

/** Runs a scripted scenario through the real executor, keeping its events even when it rejects. */
export const runScenario = scenarioRunner(ScenarioExecution, {
  name: "twilio call",
  description: "A caller phones a bot through Twilio.",
});

/** The voice recording attached to a result. */
export const voiceRecordingOf: (result: ScenarioResult | undefined) => VoiceRecording = recordingOf;

/** 20 ms frames from the first to the last that is not digital silence (0xff). */
export function speechSpanFrames(mulaw: Uint8Array): number {
  const sounding: number[] = [];
  for (let offset = 0; offset < mulaw.byteLength; offset += 160) {
    if (!mulaw.subarray(offset, offset + 160).every((byte) => byte === 0xff)) sounding.push(offset / 160);
  }
  return sounding.length === 0 ? 0 : sounding.at(-1)! - sounding[0]! + 1;
}
