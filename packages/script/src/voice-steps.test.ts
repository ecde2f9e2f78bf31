import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AgentRole,
  type AudioChunk,
  ConfigurationError,
  type InterruptOutcome,
  type ModelMessage,
  type ScenarioExecutionLike,
  type ScenarioExecutionStateLike,
  type ScenarioResult,
  ScriptError,
  VOICE_SPECIFICATION_VERSION,
  type VoiceAgentAdapterLike,
  VoiceUnsupportedError,
} from "@scenario/spec";
import { afterEach, describe, expect, it, vi } from "vitest";
import { audio, dtmf, interrupt, silence, sleep } from "./voice-steps";

/** A voice adapter that only records what the steps asked of it. */
function fakeVoiceAdapter(options: { dtmf?: boolean; outcome?: InterruptOutcome } = {}) {
  const calls = {
    audio: [] as AudioChunk[],
    interrupts: 0,
    interruptArgs: [] as unknown[][],
    dtmf: [] as string[],
  };
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
      dtmf: options.dtmf ?? false,
      textInput: false,
      agentTranscripts: false,
      userTranscripts: false,
      replyEnd: true,
    },
    call: () => null,
    async sendAudio(chunk) {
      calls.audio.push(chunk);
    },
    async *receiveAudio() {},
    async interrupt(...args: unknown[]) {
      calls.interrupts++;
      calls.interruptArgs.push(args);
      return options.outcome ?? "fired-after-speech";
    },
    async sendDtmf(digits) {
      calls.dtmf.push(digits);
    },
  };
  return { adapter, calls };
}

/** An executor stand-in with the parts the voice steps use. */
function fakeExecution(agents: ScenarioExecutionLike["agents"], withArtifacts = true) {
  const log = { userMessages: [] as ModelMessage[], proceedTurns: [] as Array<number | undefined> };
  const artifacts = new Map<string, unknown>();
  const execution: ScenarioExecutionLike = {
    messages: [],
    threadId: "thread",
    agents,
    async user(content) {
      log.userMessages.push(content as ModelMessage);
    },
    async agent() {},
    async judge() {
      return null;
    },
    async message() {},
    async proceed(turns) {
      log.proceedTurns.push(turns);
      return null;
    },
    async succeed() {
      return {} as ScenarioResult;
    },
    async fail() {
      return {} as ScenarioResult;
    },
    ...(withArtifacts && { setArtifact: (key: string, value: unknown) => artifacts.set(key, value) }),
  };
  return { execution, log, artifacts };
}

const state = {} as ScenarioExecutionStateLike;

function wavHeader(sampleRate: number, channels: number, dataBytes: number): Uint8Array {
  const header = new Uint8Array(44);
  const view = new DataView(header.buffer);
  header.set(new TextEncoder().encode("RIFF"), 0);
  view.setUint32(4, 36 + dataBytes, true);
  header.set(new TextEncoder().encode("WAVEfmt "), 8);
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  header.set(new TextEncoder().encode("data"), 36);
  view.setUint32(40, dataBytes, true);
  return header;
}

function audioPartOf(message: ModelMessage): { text: string; wav: Uint8Array } {
  const parts = message.content as Array<{ type: string; text?: string; data?: string; mediaType?: string }>;
  const text = parts.find((part) => part.type === "text")?.text ?? "";
  const file = parts.find((part) => part.type === "file");
  expect(file?.mediaType).toBe("audio/wav");
  return { text, wav: new Uint8Array(Buffer.from(file?.data ?? "", "base64")) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("interrupt()", () => {
  it("interrupts the voice adapter, records the outcome and waits for the pending turn", async () => {
    const { adapter, calls } = fakeVoiceAdapter({ outcome: "fired-after-speech" });
    const { execution, log, artifacts } = fakeExecution([adapter]);
    await interrupt()(state, execution);
    await interrupt()(state, execution);
    expect(calls.interrupts).toBe(2);
    expect(log.proceedTurns).toEqual([0, 0]);
    expect(artifacts.get("interrupts")).toEqual([
      { outcome: "fired-after-speech", agent: "FakeVoice" },
      { outcome: "fired-after-speech", agent: "FakeVoice" },
    ]);
  });

  it("records no-adapter when the scenario has no voice adapter", async () => {
    const { execution, log, artifacts } = fakeExecution([{ role: AgentRole.AGENT, call: () => "text" }]);
    await interrupt()(state, execution);
    expect(artifacts.get("interrupts")).toEqual([{ outcome: "no-adapter" }]);
    expect(log.proceedTurns).toEqual([0]);
  });

  it("fails clearly when it can neither interrupt nor record that", async () => {
    const { execution } = fakeExecution([{ role: AgentRole.AGENT, call: () => "text" }], false);
    await expect(interrupt()(state, execution)).rejects.toBeInstanceOf(ScriptError);
  });

  it("hands a planned point to the adapter and records it; without one, calls interrupt() bare", async () => {
    const { adapter, calls } = fakeVoiceAdapter({ outcome: "fired-after-speech" });
    const { execution, artifacts } = fakeExecution([adapter]);
    await interrupt()(state, execution);
    await interrupt({ afterMs: 250 })(state, execution);
    await interrupt({ afterWords: 4 })(state, execution);
    expect(calls.interruptArgs).toEqual([[], [{ afterMs: 250 }], [{ afterWords: 4 }]]);
    expect(artifacts.get("interrupts")).toEqual([
      { outcome: "fired-after-speech", agent: "FakeVoice" },
      { outcome: "fired-after-speech", agent: "FakeVoice", afterMs: 250 },
      { outcome: "fired-after-speech", agent: "FakeVoice", afterWords: 4 },
    ]);
  });

  it("declares that afterWords needs the agent's transcripts, so the run checks it first", () => {
    expect(interrupt({ afterWords: 3 }).requirements).toEqual([
      { capability: "voice.agentTranscripts", step: "interrupt({ afterWords: 3 })" },
    ]);
    expect(interrupt({ afterMs: 100 }).requirements).toBeUndefined();
    expect(interrupt().requirements).toBeUndefined();
  });

  it("refuses options that name no single point of the reply, when the script is written", () => {
    expect(() => interrupt({ afterMs: -5 })).toThrow(ConfigurationError);
    expect(() => interrupt({ afterMs: -5 })).toThrow(/afterMs.*>= 0, got -5/);
    expect(() => interrupt({ afterMs: Number.NaN })).toThrow(ConfigurationError);
    expect(() => interrupt({ afterMs: 100, afterWords: 2 })).toThrow(/not both/);
    expect(() => interrupt({ afterWords: 2.5 })).toThrow(/whole number of words >= 1, got 2.5/);
    expect(() => interrupt({ afterWords: 0 })).toThrow(ConfigurationError);
    expect(() => interrupt("soon" as never)).toThrow(ConfigurationError);
  });
});

describe("sleep()", () => {
  it("waits the given wall-clock time", async () => {
    vi.useFakeTimers();
    const { execution } = fakeExecution([]);
    let done = false;
    const waiting = Promise.resolve(sleep(500)(state, execution)).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(done).toBe(true);
  });

  it("rejects a negative duration", () => {
    expect(() => sleep(-1)).toThrow(ConfigurationError);
  });
});

describe("silence()", () => {
  it("sends that many milliseconds of zeros in 100 ms frames", async () => {
    const { adapter, calls } = fakeVoiceAdapter();
    const { execution } = fakeExecution([adapter]);
    await silence(250)(state, execution);
    expect(calls.audio.map((chunk) => chunk.data.byteLength)).toEqual([4800, 4800, 2400]);
    expect(calls.audio.every((chunk) => chunk.data.every((byte) => byte === 0))).toBe(true);
  });

  it("needs a voice adapter", async () => {
    const { execution } = fakeExecution([{ role: AgentRole.AGENT, call: () => "text" }]);
    await expect(silence(100)(state, execution)).rejects.toThrow(/needs a voice agent adapter/);
  });
});

describe("audio()", () => {
  it("appends an AudioChunk as a user voice message (transcript + 24 kHz mono WAV)", async () => {
    const { adapter } = fakeVoiceAdapter();
    const { execution, log } = fakeExecution([adapter]);
    const pcm = Uint8Array.from({ length: 960 }, (_, index) => index % 256);
    await audio({ data: pcm, transcript: "hello" })(state, execution);
    expect(log.userMessages).toHaveLength(1);
    expect(log.userMessages[0]?.role).toBe("user");
    const { text, wav } = audioPartOf(log.userMessages[0]!);
    expect(text).toBe("hello");
    expect(wav.subarray(0, 44)).toEqual(wavHeader(24_000, 1, pcm.byteLength));
    expect(wav.subarray(44)).toEqual(pcm);
  });

  it("appends a WAV file as it is, with the transcript given", async () => {
    const dir = await mkdtemp(join(tmpdir(), "scenario-audio-step-"));
    try {
      const pcm = Uint8Array.from({ length: 480 }, (_, index) => (index * 7) % 256);
      const file = join(dir, "hello.wav");
      const bytes = new Uint8Array([...wavHeader(24_000, 1, pcm.byteLength), ...pcm]);
      await writeFile(file, bytes);
      const { adapter } = fakeVoiceAdapter();
      const { execution, log } = fakeExecution([adapter]);
      await audio(file, { transcript: "hi there" })(state, execution);
      const { text, wav } = audioPartOf(log.userMessages[0]!);
      expect(text).toBe("hi there");
      expect(wav).toEqual(bytes);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a WAV in another format, saying how to convert it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "scenario-audio-step-"));
    try {
      const file = join(dir, "phone.wav");
      await writeFile(file, new Uint8Array([...wavHeader(8000, 1, 16), ...new Uint8Array(16)]));
      const { execution } = fakeExecution([]);
      const failure = Promise.resolve(audio(file)(state, execution));
      await expect(failure).rejects.toBeInstanceOf(ConfigurationError);
      await expect(failure).rejects.toThrow(/8000 Hz.*sox/);
      await expect(Promise.resolve(audio(join(dir, "missing.wav"))(state, execution))).rejects.toThrow(
        /cannot read/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("dtmf()", () => {
  it("sends digits to an adapter that supports DTMF", async () => {
    const { adapter, calls } = fakeVoiceAdapter({ dtmf: true });
    const { execution } = fakeExecution([adapter]);
    await dtmf("1#")(state, execution);
    expect(calls.dtmf).toEqual(["1#"]);
  });

  it("throws VoiceUnsupportedError without the capability", async () => {
    const { adapter, calls } = fakeVoiceAdapter({ dtmf: false });
    const { execution } = fakeExecution([adapter]);
    await expect(Promise.resolve(dtmf("1")(state, execution))).rejects.toBeInstanceOf(VoiceUnsupportedError);
    expect(calls.dtmf).toEqual([]);
  });

  it("rejects invalid digits at once", () => {
    expect(() => dtmf("12a")).toThrow(ConfigurationError);
  });

  it("declares that it needs DTMF, so an executor can check it before the run", () => {
    expect(dtmf("1#").requirements).toEqual([{ capability: "voice.dtmf", step: 'dtmf("1#")' }]);
  });
});
