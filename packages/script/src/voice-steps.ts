import { readFile } from "node:fs/promises";
import {
  AgentRole,
  type AudioChunk,
  ConfigurationError,
  type InterruptOptions,
  type InterruptOutcome,
  isVoiceAgentAdapter,
  type ScenarioExecutionLike,
  ScriptError,
  type ScriptStep,
  type UserModelMessage,
  VOICE_SAMPLE_RATE,
  type VoiceAgentAdapterLike,
  VoiceUnsupportedError,
} from "@scenario/spec";

/** One barge-in as the `interrupt()` step records it in `ScenarioResult.artifacts.interrupts`. */
export interface InterruptRecord {
  /** What the interrupt achieved (`"no-adapter"` when the scenario has no voice adapter). */
  outcome: InterruptOutcome;
  /** The interrupted adapter's name, when there was one. */
  agent?: string;
  /** The planned point, when the step had one: milliseconds of the reply's audio. */
  afterMs?: number;
  /** The planned point, when the step had one: words of the reply's transcript. */
  afterWords?: number;
}

/** Options of the `audio()` step. */
export interface AudioStepOptions {
  /** The words spoken, for the judge and reports. @default the chunk's `transcript`, else "" */
  transcript?: string;
}

/** Frames of silence are sent in pieces of this many milliseconds, as a microphone would. */
const SILENCE_FRAME_MS = 100;

const interruptsByExecution = new WeakMap<ScenarioExecutionLike, InterruptRecord[]>();

function findVoiceAdapter(execution: ScenarioExecutionLike): VoiceAgentAdapterLike | undefined {
  const voiceAdapters = execution.agents.filter(isVoiceAgentAdapter);
  return voiceAdapters.find((adapter) => adapter.role === AgentRole.AGENT) ?? voiceAdapters[0];
}

function requireVoiceAdapter(execution: ScenarioExecutionLike, step: string): VoiceAgentAdapterLike {
  const adapter = findVoiceAdapter(execution);
  if (adapter === undefined) {
    throw new ScriptError(
      `${step} needs a voice agent adapter among the scenario's agents (for example openAIRealtimeAgent() from ` +
        "@scenario/voice-openai-realtime), and there is none.",
    );
  }
  return adapter;
}

function assertMilliseconds(step: string, ms: number): void {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
    throw new ConfigurationError(`${step}: pass a number of milliseconds >= 0, got ${String(ms)}.`);
  }
}

/** Lets a turn that a previous step just started reach its adapter before we look for it. */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Checks `interrupt()`'s options when the script is written, not halfway through a call. */
function checkInterruptOptions(options: InterruptOptions | undefined): InterruptOptions {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) {
    throw new ConfigurationError(`interrupt(): pass { afterMs } or { afterWords }, got ${String(options)}.`);
  }
  const { afterMs, afterWords } = options;
  if (afterMs !== undefined && afterWords !== undefined) {
    throw new ConfigurationError(
      "interrupt(): give afterMs or afterWords, not both: the barge-in happens at one point of the reply.",
    );
  }
  if (afterMs !== undefined) {
    assertMilliseconds("interrupt({ afterMs })", afterMs);
    return { afterMs };
  }
  if (afterWords !== undefined) {
    if (typeof afterWords !== "number" || !Number.isInteger(afterWords) || afterWords < 1) {
      throw new ConfigurationError(
        `interrupt({ afterWords }): pass a whole number of words >= 1, got ${String(afterWords)}.`,
      );
    }
    return { afterWords };
  }
  return {};
}

/**
 * Barges in on the agent's reply in flight: calls the voice adapter's `interrupt()` (which cuts
 * and truncates the reply and records the `user-interrupt` event), then waits for the pending
 * turn so the truncated reply is in the conversation. Use it after `agent({ wait: false })`,
 * usually with a `sleep()` to let the agent speak first.
 *
 * With `{ afterMs }` it cuts the reply once the agent has been speaking that many milliseconds (on
 * the call clock, from its first audio); with `{ afterWords }` once the reply's streamed transcript
 * holds that many words (the step then needs `capabilities.agentTranscripts`, checked before the
 * run). No `sleep()` is needed for either. When the reply ends before that point, the outcome is
 * `"reply-ended-first"`.
 *
 * Each outcome is appended to `ScenarioResult.artifacts.interrupts` (`InterruptRecord[]`). In a
 * scenario with no voice adapter the outcome is `"no-adapter"` and the step does nothing else, so a
 * script can be shared between a voice agent and its text twin.
 *
 * @example
 * script: [user("What are the fees?"), agent({ wait: false }), interrupt({ afterWords: 5 }), user("Sorry, how much?")]
 */
export function interrupt(options?: InterruptOptions): ScriptStep {
  const plan = checkInterruptOptions(options);
  const step: ScriptStep = async (_state, execution) => {
    await nextMacrotask();
    const adapter = findVoiceAdapter(execution);
    let outcome: InterruptOutcome = "no-adapter";
    if (adapter !== undefined) {
      // An adapter written before the options existed is called exactly as before.
      outcome = await (plan.afterMs === undefined && plan.afterWords === undefined
        ? adapter.interrupt()
        : adapter.interrupt(plan));
    }
    recordInterrupt(
      execution,
      adapter === undefined
        ? { outcome, ...plan }
        : { outcome, agent: adapter.name ?? "voice agent", ...plan },
    );
    // proceed(0) is the blocking step that does nothing: it waits for the in-flight turn.
    const result = await execution.proceed(0);
    return result ?? undefined;
  };
  if (plan.afterWords === undefined) return step;
  return Object.assign(step, {
    requirements: [
      { capability: "voice.agentTranscripts", step: `interrupt({ afterWords: ${plan.afterWords} })` },
    ],
  });
}

function recordInterrupt(execution: ScenarioExecutionLike, record: InterruptRecord): void {
  if (execution.setArtifact === undefined) {
    if (record.outcome === "no-adapter") {
      throw new ScriptError(
        "interrupt() found no voice adapter to interrupt, and this executor cannot record that (no setArtifact()). " +
          "Add a voice agent adapter to the scenario's agents.",
      );
    }
    return;
  }
  const records = interruptsByExecution.get(execution) ?? [];
  records.push(record);
  interruptsByExecution.set(execution, records);
  execution.setArtifact("interrupts", [...records]);
}

/**
 * Waits `ms` milliseconds of wall-clock time, for example to let the agent speak before an
 * `interrupt()`. The conversation is not touched.
 */
export function sleep(ms: number): ScriptStep {
  assertMilliseconds("sleep()", ms);
  return () => new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/**
 * Sends `ms` milliseconds of silence to the voice adapter as user audio: a pause in the caller's
 * speech (with server VAD, what ends the caller's turn).
 */
export function silence(ms: number): ScriptStep {
  assertMilliseconds("silence()", ms);
  return async (_state, execution) => {
    const adapter = requireVoiceAdapter(execution, "silence()");
    const frameBytes = Math.round((SILENCE_FRAME_MS * VOICE_SAMPLE_RATE) / 1000) * 2;
    let remaining = Math.round((ms * VOICE_SAMPLE_RATE) / 1000) * 2;
    while (remaining > 0) {
      const size = Math.min(frameBytes, remaining);
      await adapter.sendAudio({ data: new Uint8Array(size) });
      remaining -= size;
    }
  };
}

/**
 * Sends audio as the user's turn: appends a user voice message (transcript + 24 kHz mono PCM16
 * WAV), which the voice adapter sends on the agent's next turn. Give a WAV file's path (24 kHz,
 * mono, 16-bit PCM) or an `AudioChunk`. After `agent({ wait: false })` it is a barge-in.
 */
export function audio(source: string | AudioChunk, options: AudioStepOptions = {}): ScriptStep {
  if (typeof source !== "string" && !(source?.data instanceof Uint8Array)) {
    throw new ConfigurationError("audio(): pass a WAV file path or an AudioChunk ({ data: Uint8Array }).");
  }
  return async (_state, execution) => {
    let wav: Uint8Array;
    let transcript = options.transcript;
    if (typeof source === "string") {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(source));
      } catch (error) {
        throw new ConfigurationError(`audio(): cannot read the WAV file "${source}".`, { cause: error });
      }
      wav = checkVoiceWav(bytes, source);
    } else {
      if (source.data.byteLength % 2 !== 0) {
        throw new ConfigurationError(
          `audio(): the chunk has an odd number of bytes (${source.data.byteLength}); PCM16 samples take 2 bytes.`,
        );
      }
      wav = pcm16Wav(source.data);
      transcript ??= source.transcript;
    }
    const message: UserModelMessage = {
      role: "user",
      content: [
        { type: "text", text: transcript ?? "" },
        { type: "file", mediaType: "audio/wav", data: Buffer.from(wav).toString("base64") },
      ],
    };
    await execution.user(message);
  };
}

/**
 * Sends DTMF digits (`0-9*#`) to the voice adapter, for phone menus. The step declares that it
 * needs `"voice.dtmf"`, so a run whose adapter cannot send DTMF fails with `VoiceUnsupportedError`
 * before it starts (executors without the preflight hit the same error when the step runs).
 */
export function dtmf(digits: string): ScriptStep {
  if (typeof digits !== "string" || !/^[0-9*#]+$/.test(digits)) {
    throw new ConfigurationError(`dtmf(): invalid digits ${JSON.stringify(digits)}; use only 0-9, * and #.`);
  }
  const step: ScriptStep = async (_state, execution) => {
    const adapter = requireVoiceAdapter(execution, "dtmf()");
    if (!adapter.capabilities.dtmf) {
      throw new VoiceUnsupportedError(
        `dtmf() needs DTMF digits, and ${adapter.name ?? "the voice adapter"} does not support it ` +
          "(capabilities.dtmf is false). Use a telephony adapter, or drop the step.",
      );
    }
    await adapter.sendDtmf(digits);
  };
  return Object.assign(step, { requirements: [{ capability: "voice.dtmf", step: `dtmf("${digits}")` }] });
}

/** A 44-byte-header WAV of 24 kHz mono PCM16. */
function pcm16Wav(pcm: Uint8Array): Uint8Array {
  const wav = new Uint8Array(44 + pcm.byteLength);
  const view = new DataView(wav.buffer);
  const ascii = (offset: number, text: string) => {
    for (let index = 0; index < text.length; index++) wav[offset + index] = text.charCodeAt(index);
  };
  ascii(0, "RIFF");
  view.setUint32(4, 36 + pcm.byteLength, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, VOICE_SAMPLE_RATE, true);
  view.setUint32(28, VOICE_SAMPLE_RATE * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, pcm.byteLength, true);
  wav.set(pcm, 44);
  return wav;
}

/** Checks that a WAV file holds what voice messages carry (24 kHz mono PCM16) and returns it. */
function checkVoiceWav(bytes: Uint8Array, path: string): Uint8Array {
  const text = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  const convert = `Convert it, for example: sox "${path}" -r ${VOICE_SAMPLE_RATE} -c 1 -b 16 -e signed-integer out.wav`;
  if (bytes.byteLength < 12 || text(0) !== "RIFF" || text(8) !== "WAVE") {
    throw new ConfigurationError(`audio(): "${path}" is not a WAV file. ${convert}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = 12; offset + 8 <= bytes.byteLength; ) {
    const size = view.getUint32(offset + 4, true);
    if (text(offset) === "fmt " && offset + 24 <= bytes.byteLength) {
      const format = view.getUint16(offset + 8, true);
      const channels = view.getUint16(offset + 10, true);
      const sampleRate = view.getUint32(offset + 12, true);
      const bits = view.getUint16(offset + 22, true);
      // 0xfffe is WAVE_FORMAT_EXTENSIBLE, which sox writes for plain PCM too.
      if (
        (format !== 1 && format !== 0xfffe) ||
        channels !== 1 ||
        sampleRate !== VOICE_SAMPLE_RATE ||
        bits !== 16
      ) {
        throw new ConfigurationError(
          `audio(): "${path}" is ${channels}-channel ${bits}-bit ${sampleRate} Hz (format ${format}); ` +
            `voice turns take ${VOICE_SAMPLE_RATE} Hz mono 16-bit PCM. ${convert}`,
        );
      }
      return bytes;
    }
    offset += 8 + size + (size % 2);
  }
  throw new ConfigurationError(`audio(): "${path}" has no fmt chunk. ${convert}`);
}
