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
  type FakeVoiceWebSocketServer,
  type FakeVoiceWebSocketServerOptions,
  startFakeVoiceWebSocketServer,
} from "@scenario/testing/voice-websocket";
import { afterEach } from "vitest";
import {
  type ServeVoiceAgentOptions,
  serveVoiceAgent,
  type VoiceAgentHandler,
  type VoiceAgentServer,
} from "../src";

// Shared by this folder's tests. Not exported from the package.

const servers: Array<{ close(): Promise<void> }> = [];

/** Starts a fake voice agent that is closed after the test. */
export async function fakeVoiceAgent(
  options: FakeVoiceWebSocketServerOptions = {},
): Promise<FakeVoiceWebSocketServer> {
  const server = await startFakeVoiceWebSocketServer(options);
  servers.push(server);
  return server;
}

/** Starts a `serveVoiceAgent()` server that is closed after the test. */
export async function servedAgent(
  handler: VoiceAgentHandler,
  options?: ServeVoiceAgentOptions,
): Promise<VoiceAgentServer> {
  const server = await serveVoiceAgent(handler, options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Audio whose bytes follow a pseudo-random sequence: any loss, reordering or resampling shows. */
export function noiseAudio(byteLength: number, seed: number): Uint8Array {
  const audio = new Uint8Array(byteLength);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < audio.length; index++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    audio[index] = state >>> 24;
  }
  return audio;
}

/** Milliseconds of PCM16 24 kHz mono noise. */
export function noisePcm(ms: number, seed: number): Uint8Array {
  return noiseAudio(Math.round(ms * 24) * 2, seed);
}

/** What a run left behind: its result (or error) and its events. */
export interface RunOutcome {
  result: ScenarioResult | undefined;
  error: unknown;
  events: ScenarioEvent[];
  finished: Extract<ScenarioEvent, { type: "SCENARIO_RUN_FINISHED" }> | undefined;
}

/** Runs a scenario through the real executor, keeping its events even when it rejects. */
export async function runScenario(
  agents: AgentAdapter[],
  script: ScriptStep[] | undefined,
  config: Partial<ScenarioConfig> = {},
): Promise<RunOutcome> {
  const execution = new ScenarioExecution({
    name: "voice websocket scenario",
    description: "A caller talks to a voice agent over the Scenario voice protocol.",
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
