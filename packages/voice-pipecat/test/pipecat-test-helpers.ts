import { ScenarioExecution } from "@scenario/core";
import type {
  AgentAdapter,
  ScenarioConfig,
  ScenarioEvent,
  ScenarioResult,
  ScriptStep,
  VoiceRecording,
  VoiceSegment,
} from "@scenario/spec";
import {
  type FakePipecatServer,
  type FakePipecatServerOptions,
  startFakePipecatServer,
} from "@scenario/testing/pipecat";
import { afterEach } from "vitest";

// Shared by this folder's tests. Not exported from the package.

const servers: FakePipecatServer[] = [];

/** Starts a fake Pipecat bot that is closed after the test. */
export async function fakePipecatBot(options: FakePipecatServerOptions = {}): Promise<FakePipecatServer> {
  const server = await startFakePipecatServer(options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Audio whose bytes follow a pseudo-random sequence: loud, and any loss or resampling shows. */
export function noiseAudio(ms: number, seed: number, sampleRate = 24_000): Uint8Array {
  const audio = new Uint8Array(Math.round((ms * sampleRate) / 1000) * 2);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < audio.length; index++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    audio[index] = state >>> 24;
  }
  return audio;
}

/** What a run left behind: its result (or error) and its events. */
export interface RunOutcome {
  result: ScenarioResult | undefined;
  error: unknown;
  events: ScenarioEvent[];
}

/** Runs a scenario through the real executor, keeping its events even when it rejects. */
export async function runScenario(
  agents: AgentAdapter[],
  script: ScriptStep[] | undefined,
  config: Partial<ScenarioConfig> = {},
): Promise<RunOutcome> {
  const execution = new ScenarioExecution({
    name: "pipecat scenario",
    description: "A caller talks to a Pipecat voice bot.",
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

/**
 * Undefined when the bytes are identical, else a short description of the first difference.
 * Tests use it instead of `toEqual` on audio: diffing long byte arrays stalls the reporter.
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
