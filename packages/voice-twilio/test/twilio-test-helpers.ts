import { ScenarioExecution } from "@scenario/core";
import type {
  AgentAdapter,
  ScenarioConfig,
  ScenarioEvent,
  ScenarioResult,
  ScriptStep,
  VoiceRecording,
} from "@scenario/spec";
import { type FakeTwilioBot, type FakeTwilioBotOptions, startFakeTwilioBot } from "@scenario/testing/twilio";
import { afterEach } from "vitest";

// Shared by this folder's tests. Not exported from the package.

const bots: FakeTwilioBot[] = [];

/** Starts a fake Twilio Media Streams bot that is closed after the test. */
export async function fakeTwilioBot(options: FakeTwilioBotOptions = {}): Promise<FakeTwilioBot> {
  const bot = await startFakeTwilioBot(options);
  bots.push(bot);
  return bot;
}

afterEach(async () => {
  await Promise.all(bots.splice(0).map((bot) => bot.close()));
});

/** μ-law bytes in a pseudo-random sequence: any loss, reordering or re-encoding shows. */
export function noiseMulaw(ms: number, seed: number): Uint8Array {
  const audio = new Uint8Array(ms * 8);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < audio.length; index++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    // Codes 0x00-0x5f are loud, so the bot's audio is speech-loud, never silence.
    audio[index] = (state >>> 24) % 0x60;
  }
  return audio;
}

/** What a run left behind: its result (or error) and its events. */
export interface RunOutcome {
  result: ScenarioResult | undefined;
  error: unknown;
  events: ScenarioEvent[];
}

/** Runs a scripted scenario through the real executor, keeping its events even when it rejects. */
export async function runScenario(
  agents: AgentAdapter[],
  script: ScriptStep[] | undefined,
  config: Partial<ScenarioConfig> = {},
): Promise<RunOutcome> {
  const execution = new ScenarioExecution({
    name: "twilio call",
    description: "A caller phones a bot through Twilio.",
    agents,
    ...(script && { script }),
    ...config,
  });
  const events: ScenarioEvent[] = [];
  const subscription = execution.events$.subscribe((event) => events.push(event));
  let result: ScenarioResult | undefined;
  let error: unknown;
  try {
    result = await execution.execute();
  } catch (caught) {
    error = caught;
  } finally {
    subscription.unsubscribe();
  }
  return { result, error, events };
}

/** The voice recording attached to a result. */
export function voiceRecordingOf(result: ScenarioResult | undefined): VoiceRecording {
  const recording = result?.artifacts.voice as VoiceRecording | undefined;
  if (recording === undefined) throw new Error("The run's result has no voice recording.");
  return recording;
}

/**
 * Undefined when the bytes are identical, else a short description of the first difference (a
 * diff of long byte arrays stalls the reporter).
 */
export function byteDifference(actual: Uint8Array, expected: Uint8Array): string | undefined {
  const length = Math.min(actual.byteLength, expected.byteLength);
  for (let index = 0; index < length; index++) {
    if (actual[index] !== expected[index]) {
      return `first difference at byte ${index} of ${actual.byteLength} (expected ${expected.byteLength} bytes)`;
    }
  }
  if (actual.byteLength !== expected.byteLength) {
    return `${actual.byteLength} bytes, expected ${expected.byteLength} (the shorter is a prefix of the longer)`;
  }
  return undefined;
}

/** 20 ms frames from the first to the last that is not digital silence (0xff). */
export function speechSpanFrames(mulaw: Uint8Array): number {
  const sounding: number[] = [];
  for (let offset = 0; offset < mulaw.byteLength; offset += 160) {
    if (!mulaw.subarray(offset, offset + 160).every((byte) => byte === 0xff)) sounding.push(offset / 160);
  }
  return sounding.length === 0 ? 0 : sounding.at(-1)! - sounding[0]! + 1;
}
