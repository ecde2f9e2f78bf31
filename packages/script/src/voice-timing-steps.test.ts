import {
  AgentRole,
  ConfigurationError,
  type ScenarioExecutionLike,
  type ScenarioExecutionStateLike,
  type ScenarioResult,
  ScriptError,
  VOICE_SPECIFICATION_VERSION,
  type VoiceAgentAdapterLike,
  type VoiceRecording,
} from "@scenario/spec";
import { describe, expect, it } from "vitest";
import {
  checkFirstAudioWithin,
  checkStopsSpeakingWithin,
  expectFirstAudioWithin,
  expectStopsSpeakingWithin,
} from "./voice-timing-steps";

function recording(timeToFirstAudioMs: number[], interruptResponseTimesMs: number[] = []): VoiceRecording {
  return { segments: [], timeline: [], latency: { timeToFirstAudioMs, interruptResponseTimesMs } };
}

/** A voice adapter whose artifacts hold `voice`, counting how often they were read. */
function voiceAdapter(voice: unknown) {
  const reads = { count: 0 };
  const adapter: VoiceAgentAdapterLike = {
    role: AgentRole.AGENT,
    name: "FakeVoice",
    voiceSpecificationVersion: VOICE_SPECIFICATION_VERSION,
    capabilities: {
      inputAudioFormat: { encoding: "pcm16", sampleRateHz: 24_000 },
      outputAudioFormat: { encoding: "pcm16", sampleRateHz: 24_000 },
      bargeIn: "native",
      serverVad: false,
      toolCalls: false,
      toolResults: false,
      dtmf: false,
      textInput: false,
      agentTranscripts: false,
      userTranscripts: false,
      replyEnd: true,
    },
    call: () => null,
    async sendAudio() {},
    async *receiveAudio() {},
    async interrupt() {
      return "nothing-to-interrupt";
    },
    async sendDtmf() {},
    collectArtifacts() {
      reads.count++;
      return { voice };
    },
  };
  return { adapter, reads };
}

/** An executor stand-in: logs the order of proceed(0), the artifact read and fail(). */
function fakeExecution(agents: ScenarioExecutionLike["agents"], log: string[] = []) {
  const failures: string[] = [];
  const execution = {
    messages: [],
    threadId: "thread",
    agents,
    async user() {},
    async agent() {},
    async judge() {
      return null;
    },
    async message() {},
    async proceed(turns?: number) {
      log.push(`proceed(${turns})`);
      return null;
    },
    async succeed() {
      return {} as ScenarioResult;
    },
    async fail(reasoning?: string) {
      failures.push(reasoning ?? "");
      return { success: false, reasoning } as ScenarioResult;
    },
  } satisfies ScenarioExecutionLike;
  return { execution, failures, log };
}

const state = {} as ScenarioExecutionStateLike;

describe("checkFirstAudioWithin / checkStopsSpeakingWithin", () => {
  it("checks the latest turn by default, naming the measured value and the limit", () => {
    const late = checkFirstAudioWithin(recording([120, 812.4]), 500);
    expect(late).toMatchObject({ passed: false, measuredMs: 812.4, limitMs: 500, samplesMs: [120, 812.4] });
    expect(late.message).toBe(
      "expectFirstAudioWithin(500): the agent's first audio came after 812 ms (measurement 2 of the call), over the limit of 500 ms.",
    );
    expect(checkFirstAudioWithin(recording([812, 120]), 500).passed).toBe(true);
  });

  it('with { over: "run" } checks the nearest-rank p95 of every turn', () => {
    // 20 turns: the p95 is the 19th smallest.
    const turns = Array.from({ length: 20 }, (_, index) => (index + 1) * 10);
    const result = checkFirstAudioWithin(recording(turns), 185, { over: "run" });
    expect(result).toMatchObject({ passed: false, measuredMs: 190 });
    expect(result.message).toMatch(
      /^expectFirstAudioWithin\(185, \{ over: "run" \}\): the p95 time to first audio over 20 measurement\(s\) is 190 ms/,
    );
    expect(checkFirstAudioWithin(recording(turns), 190, { over: "run" }).passed).toBe(true);
  });

  it("fails with what to do when nothing was measured", () => {
    const result = checkStopsSpeakingWithin(recording([100]), 300);
    expect(result).toMatchObject({ passed: false, measuredMs: undefined });
    expect(result.message).toMatch(/no barge-in has been measured yet: put the step after an interrupt\(\)/);
    expect(checkStopsSpeakingWithin(recording([], [90, 450]), 300).message).toMatch(
      /after 450 ms.*over the limit of 300 ms/,
    );
  });

  it("rejects a limit that is not a number of milliseconds, and an unknown `over`", () => {
    expect(() => expectFirstAudioWithin(-1)).toThrow(ConfigurationError);
    expect(() => expectStopsSpeakingWithin(Number.NaN)).toThrow(/limit in milliseconds >= 0, got NaN/);
    expect(() => expectFirstAudioWithin(100, { over: "call" as never })).toThrow(/"turn" or "run"/);
  });
});

describe("expectFirstAudioWithin / expectStopsSpeakingWithin steps", () => {
  it("waits for the turn in flight, then fails the run with the measured value", async () => {
    const log: string[] = [];
    const { adapter, reads } = voiceAdapter(recording([650]));
    const { execution, failures } = fakeExecution([adapter], log);
    const result = await expectFirstAudioWithin(400)(state, execution);

    expect(log).toEqual(["proceed(0)"]);
    expect(reads.count).toBe(1);
    expect(failures).toEqual([
      "expectFirstAudioWithin(400): the agent's first audio came after 650 ms (measurement 1 of the call), over the limit of 400 ms.",
    ]);
    expect(result).toMatchObject({ success: false });
  });

  it("lets the script go on when the measurement is within the limit", async () => {
    const { adapter } = voiceAdapter(recording([650], [80]));
    const { execution, failures } = fakeExecution([adapter]);
    expect(await expectFirstAudioWithin(700)(state, execution)).toBeUndefined();
    expect(await expectStopsSpeakingWithin(100)(state, execution)).toBeUndefined();
    expect(failures).toEqual([]);
  });

  it("needs a voice adapter whose artifacts carry the recording", async () => {
    const textOnly = { role: AgentRole.AGENT, call: () => null };
    await expect(expectFirstAudioWithin(100)(state, fakeExecution([textOnly]).execution)).rejects.toThrow(
      ScriptError,
    );
    const { adapter } = voiceAdapter(undefined);
    await expect(expectFirstAudioWithin(100)(state, fakeExecution([adapter]).execution)).rejects.toThrow(
      /found no voice recording on FakeVoice/,
    );
  });
});
