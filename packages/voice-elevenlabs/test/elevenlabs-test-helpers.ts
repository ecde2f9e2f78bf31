import { ScenarioExecution } from "@scenario/core";
import type {
  AgentAdapter,
  ScenarioConfig,
  ScenarioEvent,
  ScenarioResult,
  ScriptStep,
  VoiceRecording,
} from "@scenario/spec";
import {
  type FakeElevenLabsServer,
  type FakeElevenLabsServerOptions,
  startFakeElevenLabsServer,
} from "@scenario/testing/elevenlabs";
import { syntheticSpeech } from "@scenario/testing/realtime";
import type { TextToSpeechProvider } from "@scenario/voice";
import { afterEach } from "vitest";

// Shared by this folder's tests. Not exported from the package.

const servers: FakeElevenLabsServer[] = [];

/** Starts a fake ElevenLabs agent that is closed after the test. */
export async function fakeElevenLabs(
  options: FakeElevenLabsServerOptions = {},
): Promise<FakeElevenLabsServer> {
  const server = await startFakeElevenLabsServer(options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Speaks scripted user text as speech-like tones at once: no trailing silence to blur timings. */
export const syntheticTts: TextToSpeechProvider = {
  id: "synthetic",
  async synthesize(text) {
    return { data: syntheticSpeech(text), transcript: text };
  },
};

/** PCM16 samples in a pseudo-random, loud sequence: any loss, reordering or re-encoding shows. */
export function noisePcm16(ms: number, seed: number, sampleRateHz = 16_000): Uint8Array {
  const samples = Math.round((ms * sampleRateHz) / 1000);
  const audio = new Uint8Array(samples * 2);
  const view = new DataView(audio.buffer);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < samples; index++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    view.setInt16(index * 2, ((state >>> 16) % 16_000) - 8000, true);
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
    name: "elevenlabs conversation",
    description: "A caller talks to an ElevenLabs agent.",
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
