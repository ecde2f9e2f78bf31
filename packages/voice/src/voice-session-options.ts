import {
  ConfigurationError,
  VOICE_TRANSPORT_SPECIFICATION_VERSION,
  type VoiceCapabilities,
  type VoiceTransport,
} from "@scenario/spec";
import type { SpeechToTextProvider, TextToSpeechProvider } from "./speech-provider";
import { assertAudioFormat } from "./wire-audio";

/**
 * How the agent's reply audio is "played" to the simulated caller.
 * - `"instant"`: a reply is over as soon as the transport has delivered it; the recording's clock
 *   still places every segment as if it had been played in real time. Fast: what tests want.
 * - `"realtime"`: a turn also lasts until the received audio would have finished playing, so a
 *   `sleep()` then `interrupt()` lands mid-speech even when the server sends audio faster than real
 *   time, and only audio actually played counts as heard.
 */
export type VoicePlayback = "instant" | "realtime";

/** Options of the session driver (`voiceTransportAgent()`); provider factories extend them. */
export interface VoiceSessionOptions {
  /** A display name, used in errors and logs. @default the transport's name */
  name?: string;
  /**
   * Speaks user messages that carry only text (a scripted `user("...")`), so a voice agent can be
   * driven by text scripts. Without it, text is sent as text when the transport supports that, and
   * is otherwise an error.
   */
  speech?: TextToSpeechProvider;
  /**
   * Transcribes the agent's audio when the transport sends no transcript of its own, so the judge
   * has words to read. Without it such replies carry an empty transcript.
   */
  transcription?: SpeechToTextProvider;
  /**
   * How long to wait for the agent's first audio after the user's turn before failing with
   * `VoiceFirstAudioTimeoutError`.
   * @default 10000
   */
  firstAudioTimeoutMs?: number;
  /**
   * The reply is over after this many milliseconds without anything from the agent, for transports
   * that do not signal the end of a reply (and as a safety net for those that do).
   * @default 1500
   */
  silenceTailMs?: number;
  /**
   * The longest reply accepted, in milliseconds of audio. A longer reply is cut there (natively
   * cancelled when the transport can) and its segment marked truncated.
   * @default 120000
   */
  maxReplyMs?: number;
  /**
   * How long a barge-in waits for the transport to confirm that the cancelled reply stopped (that
   * confirmation gives the interrupt response time).
   * @default 2000
   */
  interruptTimeoutMs?: number;
  /**
   * The size of the frames user audio is sent in, in milliseconds, unless the transport declares
   * its own (`capabilities.inputFrameMs`).
   * @default 100
   */
  userAudioFrameMs?: number;
  /** How reply audio is played to the simulated caller. @default "instant" */
  playback?: VoicePlayback;
  /**
   * Embeds the call's audio (8 kHz, about 21 kB a second) in the `voiceCall` artifact, so the HTML
   * report can play the call with no file beside it.
   * @default false
   */
  reportAudio?: boolean;
  /**
   * The clock, in milliseconds (only differences matter). Inject one to measure exactly in tests.
   * @default performance.now
   */
  clock?: () => number;
}

/** The timing options of `VoiceSessionOptions`, with their defaults applied. */
export interface VoiceSessionTimings {
  /** @see VoiceSessionOptions.firstAudioTimeoutMs */
  readonly firstAudioTimeoutMs: number;
  /** @see VoiceSessionOptions.silenceTailMs */
  readonly silenceTailMs: number;
  /** @see VoiceSessionOptions.maxReplyMs */
  readonly maxReplyMs: number;
  /** @see VoiceSessionOptions.interruptTimeoutMs */
  readonly interruptTimeoutMs: number;
  /** @see VoiceSessionOptions.userAudioFrameMs */
  readonly userAudioFrameMs: number;
}

const DEFAULT_TIMINGS: VoiceSessionTimings = {
  firstAudioTimeoutMs: 10_000,
  silenceTailMs: 1500,
  maxReplyMs: 120_000,
  interruptTimeoutMs: 2000,
  userAudioFrameMs: 100,
};

/** The timings a consumer may override for one reply (`receiveAudio()` options). */
export const REPLY_TIMING_NAMES = ["firstAudioTimeoutMs", "silenceTailMs", "maxReplyMs"] as const;

const TIMING_NAMES = [...REPLY_TIMING_NAMES, "interruptTimeoutMs", "userAudioFrameMs"] as const;

/** Throws a `ConfigurationError` for the first of `names` set to anything but a positive number. */
export function assertPositiveMs<Name extends string>(
  options: Partial<Record<Name, number>>,
  names: readonly Name[],
): void {
  for (const name of names) {
    const value = options[name];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigurationError(`${name} must be a positive number of milliseconds, got ${value}.`);
    }
  }
}

/** Checks the options and applies the defaults. */
export function resolveSessionOptions(options: VoiceSessionOptions): {
  timings: VoiceSessionTimings;
  playback: VoicePlayback;
  clock: () => number;
} {
  assertPositiveMs(options, TIMING_NAMES);
  if (options.playback !== undefined && options.playback !== "instant" && options.playback !== "realtime") {
    throw new ConfigurationError(
      `playback must be "instant" or "realtime", got ${String(options.playback)}.`,
    );
  }
  return {
    timings: {
      firstAudioTimeoutMs: options.firstAudioTimeoutMs ?? DEFAULT_TIMINGS.firstAudioTimeoutMs,
      silenceTailMs: options.silenceTailMs ?? DEFAULT_TIMINGS.silenceTailMs,
      maxReplyMs: options.maxReplyMs ?? DEFAULT_TIMINGS.maxReplyMs,
      interruptTimeoutMs: options.interruptTimeoutMs ?? DEFAULT_TIMINGS.interruptTimeoutMs,
      userAudioFrameMs: options.userAudioFrameMs ?? DEFAULT_TIMINGS.userAudioFrameMs,
    },
    playback: options.playback ?? "instant",
    clock: options.clock ?? (() => performance.now()),
  };
}

const BOOLEAN_CAPABILITIES = [
  "serverVad",
  "toolCalls",
  "toolResults",
  "dtmf",
  "textInput",
  "agentTranscripts",
  "userTranscripts",
  "replyEnd",
] as const satisfies readonly (keyof VoiceCapabilities)[];

const BARGE_IN_MODES = ["native", "on-user-speech", "emulated"] as const;

/**
 * Checks a transport against the contract before it is used, so a mistake in a provider package
 * fails at construction with what to fix instead of mid-call.
 */
export function assertVoiceTransport(transport: VoiceTransport): void {
  const name =
    typeof transport?.name === "string" && transport.name !== "" ? transport.name : "The transport";
  if (transport?.specificationVersion !== VOICE_TRANSPORT_SPECIFICATION_VERSION) {
    throw new ConfigurationError(
      `${name} declares specificationVersion ${JSON.stringify(transport?.specificationVersion)}; this ` +
        `@scenario/voice drives "${VOICE_TRANSPORT_SPECIFICATION_VERSION}" transports. Update the provider package or @scenario/voice.`,
    );
  }
  for (const method of ["connect", "close", "sendAudio", "endUserTurn", "interrupt"] as const) {
    if (typeof transport[method] !== "function") {
      throw new ConfigurationError(
        `${name} has no ${method}() method, which every VoiceTransport implements.`,
      );
    }
  }
  const capabilities = transport.capabilities;
  if (capabilities === undefined || typeof capabilities !== "object") {
    throw new ConfigurationError(`${name} has no capabilities record: declare what it can do.`);
  }
  assertAudioFormat(capabilities.inputAudioFormat, `${name}'s capabilities.inputAudioFormat`);
  assertAudioFormat(capabilities.outputAudioFormat, `${name}'s capabilities.outputAudioFormat`);
  if (!BARGE_IN_MODES.includes(capabilities.bargeIn)) {
    throw new ConfigurationError(
      `${name}'s capabilities.bargeIn is ${JSON.stringify(capabilities.bargeIn)}; use "native", "on-user-speech" or "emulated".`,
    );
  }
  for (const key of BOOLEAN_CAPABILITIES) {
    if (typeof capabilities[key] !== "boolean") {
      throw new ConfigurationError(`${name}'s capabilities.${key} must be true or false.`);
    }
  }
  assertPositiveMs({ inputFrameMs: capabilities.inputFrameMs }, ["inputFrameMs"]);
  if (capabilities.dtmf && typeof transport.sendDtmf !== "function") {
    throw new ConfigurationError(`${name} declares capabilities.dtmf but has no sendDtmf() method.`);
  }
  if (capabilities.textInput && typeof transport.sendText !== "function") {
    throw new ConfigurationError(`${name} declares capabilities.textInput but has no sendText() method.`);
  }
}
