import type { AgentAdapter } from "./agent";
import { ScenarioError, type ScenarioErrorOptions } from "./errors";
import type { VoiceAudioFormat, VoiceCapabilities } from "./voice-transport";

/**
 * The version of the voice adapter contract. Voice adapters declare it beside the agent contract
 * version, so a later voice contract can be added beside this one.
 */
export const VOICE_SPECIFICATION_VERSION = "scenario.voice.v1" as const;

/** The sample rate of every `AudioChunk`, in Hz. Conversions happen at the edges. */
export const VOICE_SAMPLE_RATE = 24_000;

/**
 * Named wire formats, for `encodeAudio()`/`decodeAudio()` in `@scenario/voice`. Transports declare
 * theirs as a `VoiceAudioFormat` record in their capabilities.
 */
export type AudioFormat = "pcm16-24khz" | "pcm16-16khz" | "pcm16-8khz" | "mulaw-8khz" | "alaw-8khz";

/** A piece of audio: PCM16 little-endian, 24 kHz, mono. */
export interface AudioChunk {
  /** The samples, PCM16 little-endian, 24 kHz, mono (2 bytes a sample). */
  data: Uint8Array;
  /** The words spoken in this chunk, when known (streaming transcripts, TTS input). */
  transcript?: string;
  /** When the chunk was sent or received, in milliseconds since the call started. */
  timestampMs?: number;
}

/** Options of one `receiveAudio()` call. */
export interface ReceiveAudioOptions {
  /** Give up when no audio arrives within this many milliseconds. */
  firstAudioTimeoutMs?: number;
  /** The reply is over after this many milliseconds without audio. */
  silenceTailMs?: number;
  /** Stop receiving after this many milliseconds of reply audio. */
  maxReplyMs?: number;
  /** Aborts the receive. */
  signal?: AbortSignal;
}

/** What happened when the user barged in. */
export type InterruptOutcome =
  /** The agent had not started speaking yet: the reply was cancelled before any audio. */
  | "fired-before-speech"
  /** The agent was speaking: its reply was cut and truncated. */
  | "fired-after-speech"
  /** No reply was in flight. */
  | "nothing-to-interrupt"
  /**
   * An interrupt planned with `afterMs` or `afterWords` never fired: the agent's reply ended before
   * reaching that point, so it was heard whole.
   */
  | "reply-ended-first"
  /** The scenario has no voice adapter to interrupt. */
  | "no-adapter";

/**
 * When `interrupt()` barges in on the reply in flight. Without options it barges in at once; with
 * one of them it waits for that point of the reply, or for the reply to end first
 * (`"reply-ended-first"`). Give at most one.
 */
export interface InterruptOptions {
  /**
   * Barge in once the agent has been speaking this many milliseconds: measured on the call clock
   * from the reply's first audio, and the reply is cut exactly there (with real-time playback, at
   * what the caller has heard when that point has already passed).
   */
  afterMs?: number;
  /**
   * Barge in once the reply's streamed transcript holds this many words (a whole number >= 1).
   * Needs a transport that streams the agent's transcript (`capabilities.agentTranscripts`).
   */
  afterWords?: number;
}

/**
 * The voice adapter contract: an agent adapter that speaks audio, as voice script steps see it.
 * Write a `VoiceTransport` and let `voiceTransportAgent()` from `@scenario/voice` implement this
 * (turns, pacing, barge-in, recording, latency); implement it directly only for something else.
 */
export interface VoiceAgentAdapterLike extends AgentAdapter {
  /** The voice contract version this adapter implements. */
  readonly voiceSpecificationVersion: typeof VOICE_SPECIFICATION_VERSION;
  /** What the adapter can do (its transport's capabilities). */
  readonly capabilities: VoiceCapabilities;
  /** Sends the user's audio to the agent. */
  sendAudio(chunk: AudioChunk): Promise<void>;
  /** Receives the agent's reply audio until the reply ends. */
  receiveAudio(options?: ReceiveAudioOptions): AsyncIterable<AudioChunk>;
  /**
   * Stops the reply in flight (as `capabilities.bargeIn` says), at once or at the point `options`
   * names, and says what happened. Adapters written before the options existed ignore them.
   */
  interrupt(options?: InterruptOptions): Promise<InterruptOutcome>;
  /** Sends DTMF digits (`0-9*#`). Throws `VoiceUnsupportedError` without `capabilities.dtmf`. */
  sendDtmf(digits: string): Promise<void>;
}

/** True for adapters that implement the voice contract. */
export function isVoiceAgentAdapter(agent: AgentAdapter): agent is VoiceAgentAdapterLike {
  return (agent as Partial<VoiceAgentAdapterLike>).voiceSpecificationVersion === VOICE_SPECIFICATION_VERSION;
}

/** Who spoke a segment. */
export type VoiceSpeaker = "user" | "agent";

/** One uninterrupted stretch of speech in a call recording. */
export interface VoiceSegment {
  /** Who spoke. */
  speaker: VoiceSpeaker;
  /** Milliseconds since the call started. */
  startMs: number;
  /** Milliseconds since the call started. */
  endMs: number;
  /** The audio, PCM16 24 kHz mono. */
  audio: Uint8Array;
  /** The words, when known. */
  transcript?: string;
  /** True when a barge-in cut this (agent) segment, so its transcript covers only what was heard. */
  transcriptTruncated?: boolean;
  /** The voice style the speech was spoken in ("hurried", "angry"), when one was set. */
  voiceStyle?: string;
  /**
   * The audio exactly as it crossed the transport's wire (agent segments), before conversion to
   * `audio`: byte-identical to what the far side sent, cut like `audio` at a barge-in. Set only when
   * the wire format is not 24 kHz mono PCM16 (then `audio` is the wire bytes) and did not change
   * within the reply.
   */
  wireAudio?: VoiceWireAudio;
}

/** Audio in a transport's own format, as it crossed the wire. */
export interface VoiceWireAudio {
  /** The format of `data`. */
  format: VoiceAudioFormat;
  /** The bytes, concatenated in arrival order. */
  data: Uint8Array;
}

/** One chunk of a call's audio as `ScenarioConfig.onAudioChunk` receives it. */
export interface VoiceAudioChunk {
  /** Who spoke it: the caller's audio sent to the agent, or the agent's received from it. */
  speaker: VoiceSpeaker;
  /** The encoding of `data`: always Scenario's own, whatever the transport's wire format. */
  format: "pcm16-24khz";
  /** Where the chunk starts on the call's timeline, in milliseconds since the call started. */
  timestampMs: number;
  /** The samples, exactly as they enter the recording's segment (concatenated, they rebuild it). */
  data: Uint8Array;
}

/** Options of `ScenarioConfig.audioPlayback`. */
export interface AudioPlaybackOptions {
  /**
   * Play even when the `CI` environment variable says this is a CI machine, where playback is
   * refused (nobody listens, and a player may wait for an audio device forever).
   * @default false
   */
  force?: boolean;
}

/** Kinds of timeline events. */
export type VoiceTimelineEventType =
  | "user-started-speaking"
  | "user-stopped-speaking"
  | "agent-started-speaking"
  | "agent-stopped-speaking"
  | "user-interrupt"
  | "tool-call"
  | "tool-result"
  /** The far side's VAD heard the caller start (`details.speaker`) or the agent's TTS start. */
  | "far-side-speech-started"
  /** The far side's VAD heard the caller stop, or the agent's TTS stopped. */
  | "far-side-speech-stopped"
  /** What the far side recognised of the caller (`details.text`), final transcripts only. */
  | "user-transcript"
  /** The far side acknowledged a mark (`details.name`). */
  | "mark";

/** One event on a call's timeline. */
export interface VoiceTimelineEvent {
  /** What happened. */
  type: VoiceTimelineEventType;
  /** Milliseconds since the call started. */
  atMs: number;
  /** For `user-interrupt`: what the interrupt achieved. */
  outcome?: InterruptOutcome;
  /** For tool events: the tool's name. */
  toolName?: string;
  /**
   * Anything else worth keeping: a tool call's id, arguments, a result; for `user-interrupt`,
   * `playedMs`, `bargeIn` (the mode) and, once measured, `responseMs` (the interrupt response time).
   */
  details?: Record<string, unknown>;
}

/** Latency measurements of a call, in milliseconds. */
export interface VoiceLatencyMetrics {
  /** Per agent turn: from the end of the user's audio to the agent's first audio. */
  timeToFirstAudioMs: number[];
  /** Mean of `timeToFirstAudioMs`, or undefined without turns. */
  averageMs?: number;
  /** Median. */
  p50Ms?: number;
  /** 95th percentile. */
  p95Ms?: number;
  /**
   * Per barge-in: from the interrupt (with `bargeIn: "on-user-speech"`, the caller's first frame
   * after it) to the far side's confirmation that the agent stopped (or its last audio frame).
   */
  interruptResponseTimesMs: number[];
}

/**
 * A voice call's recording, attached to `ScenarioResult.artifacts.voice` by voice adapters.
 */
export interface VoiceRecording {
  /** The speech, in order. */
  segments: VoiceSegment[];
  /** What happened, in order. */
  timeline: VoiceTimelineEvent[];
  /** Latency measurements. */
  latency: VoiceLatencyMetrics;
}

/** The agent sent no audio before the first-audio timeout. */
export class VoiceFirstAudioTimeoutError extends ScenarioError {
  static override readonly errorName = "VoiceFirstAudioTimeoutError";

  constructor(message: string, options?: ScenarioErrorOptions) {
    super("VOICE_FIRST_AUDIO_TIMEOUT", message, options);
  }
}

/** The connection closed (or the stream ended) in the middle of a reply. */
export class VoiceStreamEndedError extends ScenarioError {
  static override readonly errorName = "VoiceStreamEndedError";

  constructor(message: string, options?: ScenarioErrorOptions) {
    super("VOICE_STREAM_ENDED", message, options);
  }
}

/** The voice server reported an error. */
export class VoiceServerError extends ScenarioError {
  static override readonly errorName = "VoiceServerError";

  constructor(message: string, options?: ScenarioErrorOptions) {
    super("VOICE_SERVER_ERROR", message, options);
  }
}

/** The step needs a capability the adapter does not have (DTMF, a format). */
export class VoiceUnsupportedError extends ScenarioError {
  static override readonly errorName = "VoiceUnsupportedError";

  constructor(message: string, options?: ScenarioErrorOptions) {
    super("VOICE_UNSUPPORTED", message, options);
  }
}
