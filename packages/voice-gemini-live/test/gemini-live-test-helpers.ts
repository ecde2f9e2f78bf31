import { ScenarioExecution } from "@scenario/core";
import type {
  AgentAdapter,
  ModelMessage,
  ScenarioConfig,
  ScenarioEvent,
  ScenarioResult,
  ScriptStep,
  VoiceRecording,
} from "@scenario/spec";
import {
  type FakeGeminiLiveServer,
  type FakeGeminiLiveServerOptions,
  startFakeGeminiLiveServer,
} from "@scenario/testing/gemini-live";
import { afterEach } from "vitest";

// Shared by this folder's tests. Not exported from the package.

/** A fake key: tests check it never shows up in errors, events, results or the fake's logs. */
export const TEST_API_KEY = "AIza-test-gemini-secret-0123456789";

const servers: FakeGeminiLiveServer[] = [];

/** Starts a fake Gemini Live server that is closed after the test. */
export async function fakeGeminiLiveServer(
  options: FakeGeminiLiveServerOptions = {},
): Promise<FakeGeminiLiveServer> {
  const server = await startFakeGeminiLiveServer(options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Audio whose bytes follow a pseudo-random sequence: any loss, reordering or resampling shows. */
export function noiseAudio(ms: number, seed: number): Uint8Array {
  const audio = new Uint8Array(Math.round(ms * 24) * 2);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < audio.length; index++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    audio[index] = state >>> 24;
  }
  return audio;
}

/** What a run left behind: its result (or error), its events and the run-finished event. */
export interface RunOutcome {
  result: ScenarioResult | undefined;
  error: unknown;
  events: ScenarioEvent[];
  finished: Extract<ScenarioEvent, { type: "SCENARIO_RUN_FINISHED" }> | undefined;
}

/** Runs a scripted scenario through the real executor, keeping its events even when it rejects. */
export async function runScenario(
  agents: AgentAdapter[],
  script: ScriptStep[] | undefined,
  config: Partial<ScenarioConfig> = {},
): Promise<RunOutcome> {
  const execution = new ScenarioExecution({
    name: "voice scenario",
    description: "A caller talks to a voice agent.",
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
  const finished = events.find(
    (event): event is Extract<ScenarioEvent, { type: "SCENARIO_RUN_FINISHED" }> =>
      event.type === "SCENARIO_RUN_FINISHED",
  );
  return { result, error, events, finished };
}

/** The voice recording attached to a result. */
export function voiceRecordingOf(result: ScenarioResult | undefined): VoiceRecording {
  const recording = result?.artifacts.voice as VoiceRecording | undefined;
  if (recording === undefined) throw new Error("The run's result has no voice recording.");
  return recording;
}

/** The assistant messages of a conversation. */
export function assistantMessages(messages: readonly ModelMessage[]): ModelMessage[] {
  return messages.filter((message) => message.role === "assistant");
}
