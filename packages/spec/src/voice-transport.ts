import type { AgentConnectContext } from "./agent";

/**
 * The version of the voice transport contract. A transport declares it, so a later contract can be
 * added beside this one and a session driver can tell which one it was handed.
 */
export const VOICE_TRANSPORT_SPECIFICATION_VERSION = "scenario.voice-transport.v1" as const;

/** The voice transport contract versions a session driver may accept. */
export type VoiceTransportSpecificationVersion = typeof VOICE_TRANSPORT_SPECIFICATION_VERSION;

/** How samples are encoded on the wire. */
export type VoiceAudioEncoding =
  /** Signed 16-bit little-endian PCM (2 bytes a sample). */
  | "pcm16"
  /** G.711 mu-law, 1 byte a sample (North American and Japanese telephony, Twilio). */
  | "mulaw"
  /** G.711 A-law, 1 byte a sample (European telephony). */
  | "alaw";

/** An audio format on a transport's wire. The session driver converts to and from it. */
export interface VoiceAudioFormat {
  /** How samples are encoded. */
  encoding: VoiceAudioEncoding;
  /** Samples a second per channel, in Hz (24000 for OpenAI Realtime, 8000 for a phone line). */
  sampleRateHz: number;
  /**
   * Interleaved channels. The driver speaks mono; it duplicates its audio into every channel on the
   * way out and averages the channels on the way in.
   * @default 1
   */
  channels?: number;
}

/**
 * How a transport stops the agent's reply when the caller barges in. The session driver always stops
 * listening to the cut reply itself; this says what the far side is told.
 */
export type VoiceBargeInMode =
  /** `interrupt()` cancels the reply on the far side (OpenAI Realtime's `response.cancel`). */
  | "native"
  /**
   * The far side stops by itself when it hears the caller speak (a phone bot with its own VAD, which
   * answers with Twilio's `clear`). The driver keeps sending the caller's audio while the agent talks
   * and times the interrupt from the caller's first frame to the far side's `reply-end`.
   */
  | "on-user-speech"
  /**
   * The far side cannot be stopped: the driver drops the rest of the reply locally (the agent may
   * go on talking into the void).
   */
  | "emulated";

/**
 * What a transport can do. The session driver adapts to it (converts audio, paces it, chooses how
 * to barge in) and checks a script's steps against it before the run starts (a `dtmf()` step on a
 * transport without `dtmf` fails with `VoiceUnsupportedError`). The README's capability table is
 * generated from these records.
 */
export interface VoiceCapabilities {
  /** The format the transport's `sendAudio()` takes. */
  inputAudioFormat: VoiceAudioFormat;
  /** The format of the audio in the transport's `agent-audio` events (unless an event says otherwise). */
  outputAudioFormat: VoiceAudioFormat;
  /** How a barge-in reaches the far side; see `VoiceBargeInMode`. */
  bargeIn: VoiceBargeInMode;
  /**
   * The far side detects the end of the caller's speech itself (server VAD) and answers without an
   * explicit end of turn. `endUserTurn()` is still called; such a transport may make it a no-op or
   * use it to nudge the VAD (trailing silence).
   */
  serverVad: boolean;
  /**
   * The transport paces the caller's audio itself, or the far side needs it at the pace it would be
   * spoken (a phone line). When true the driver sends each frame when its time comes instead of as
   * fast as the transport takes them.
   * @default false
   */
  realtimeInput?: boolean;
  /**
   * The frame size the far side expects, in milliseconds of audio (20 for Twilio media streams).
   * @default the driver's `userAudioFrameMs` (100)
   */
  inputFrameMs?: number;
  /** The transport reports the agent's tool calls (`tool-call` events). */
  toolCalls: boolean;
  /** The transport reports the results of those tool calls (`tool-result` events). */
  toolResults: boolean;
  /** `sendDtmf()` sends DTMF digits the far side receives as key presses. */
  dtmf: boolean;
  /** `sendText()` sends a user turn as text, so text-only user messages need no speech synthesis. */
  textInput: boolean;
  /** The transport streams transcripts of the agent's speech (`transcript` events, speaker "agent"). */
  agentTranscripts: boolean;
  /** The transport reports what the far side recognised of the caller (`transcript`, speaker "user"). */
  userTranscripts: boolean;
  /**
   * The transport signals the end of each reply (`reply-end`). Without it a reply ends after the
   * driver's `silenceTailMs` without audio.
   */
  replyEnd: boolean;
}

/** What `interrupt()` is told about the reply it cancels: what the driver knows at that moment. */
export interface VoiceInterruptContext {
  /** Why the reply is cut. */
  reason: "barge-in" | "max-length" | "first-audio-timeout";
  /**
   * Milliseconds of the reply's audio the caller heard: where to truncate it on the far side, so the
   * agent's memory matches the call (OpenAI's `conversation.item.truncate` `audio_end_ms`).
   */
  playedMs: number;
  /** Milliseconds of the reply's audio the driver received (`>= playedMs`). */
  receivedMs: number;
  /** True when the transport had already sent `reply-end`: the whole reply arrived, only playback was cut. */
  replyDelivered: boolean;
}

/** The agent's audio: one piece of its reply, in the transport's output format. */
export interface VoiceAgentAudioEvent {
  /** The event's kind. */
  type: "agent-audio";
  /** The audio bytes, in `format` or else `capabilities.outputAudioFormat`. */
  data: Uint8Array;
  /** The format of this piece, when it differs from the declared output format (Pipecat frames carry theirs). */
  format?: VoiceAudioFormat;
}

/** Words spoken, as the far side recognised or generated them. */
export interface VoiceTranscriptEvent {
  /** The event's kind. */
  type: "transcript";
  /** Whose words: the agent's reply, or the caller's speech as the far side recognised it. */
  speaker: "agent" | "user";
  /**
   * With `isFinal: false`, a delta appended to what this utterance said so far. With `isFinal: true`,
   * the utterance's whole transcript, replacing the deltas (for the agent: the whole reply so far).
   */
  text: string;
  /** Whether `text` is the final, whole transcript of the utterance. */
  isFinal: boolean;
}

/** The far side noticed speech starting or stopping (its VAD for the caller, its TTS for the agent). */
export interface VoiceSpeechEvent {
  /** The event's kind. */
  type: "speech-started" | "speech-stopped";
  /** Who started or stopped speaking. */
  speaker: "agent" | "user";
}

/** The agent called a tool. */
export interface VoiceToolCallEvent {
  /** The event's kind. */
  type: "tool-call";
  /** Identifies the call; its result carries the same id. */
  callId: string;
  /** The tool's name. */
  toolName: string;
  /** The arguments (JSON-serialisable). */
  input: unknown;
}

/** A tool call returned. */
export interface VoiceToolResultEvent {
  /** The event's kind. */
  type: "tool-result";
  /** The call this answers. */
  callId: string;
  /** The tool's name. */
  toolName: string;
  /** What the tool returned (JSON-serialisable). */
  output: unknown;
  /** True when the tool failed and `output` describes the failure. */
  isError?: boolean;
}

/** The far side acknowledged a point in the audio (Twilio's `mark`), recorded on the timeline. */
export interface VoiceMarkEvent {
  /** The event's kind. */
  type: "mark";
  /** The mark's name. */
  name: string;
}

/**
 * The reply is over. After an `interrupt()` (or, with `bargeIn: "on-user-speech"`, after the caller
 * spoke over the agent) it confirms the agent stopped, which times the interrupt response: send it
 * when the far side stops (OpenAI's `response.done`, Twilio's `clear`).
 */
export interface VoiceReplyEndEvent {
  /** The event's kind. */
  type: "reply-end";
}

/**
 * The far side reported an error. The driver fails the reply in flight (or the next turn) with a
 * `VoiceServerError` carrying `message` and `cause`; a `ScenarioError` passed as `cause` is thrown as is.
 */
export interface VoiceErrorEvent {
  /** The event's kind. */
  type: "error";
  /** What went wrong, in words a user can act on. Never include credentials. */
  message: string;
  /** The original error or the far side's error payload. */
  cause?: unknown;
}

/**
 * The connection closed without `close()` being called. The driver fails the reply in flight (or
 * the next turn) with `VoiceStreamEndedError`; the call cannot go on.
 */
export interface VoiceClosedEvent {
  /** The event's kind. */
  type: "closed";
  /** Why, for the error message: "code 1011: internal error". */
  detail: string;
}

/** Everything a transport reports, discriminated by `type`. */
export type VoiceTransportEvent =
  | VoiceAgentAudioEvent
  | VoiceTranscriptEvent
  | VoiceSpeechEvent
  | VoiceToolCallEvent
  | VoiceToolResultEvent
  | VoiceMarkEvent
  | VoiceReplyEndEvent
  | VoiceErrorEvent
  | VoiceClosedEvent;

/** What `connect()` is handed: the run's context and where to report events. */
export interface VoiceTransportConnectContext extends AgentConnectContext {
  /**
   * Reports an event to the session driver. Call it synchronously as events arrive, in order, from
   * `connect()` on; it never throws. Keep it and use it until the connection closes.
   */
  emit(event: VoiceTransportEvent): void;
}

/**
 * A connection to a voice agent: one call. A provider package implements it (a WebSocket client
 * of OpenAI Realtime, Twilio media streams, Pipecat); `voiceTransportAgent()` from `@scenario/voice`
 * turns it into an `AgentAdapter` that drives turns, pacing, barge-in, recording and latency.
 *
 * A transport only moves audio and events in its native format: no timers, no recording, no
 * conversions. It may be connected again after `close()` (one call per run).
 *
 * @example
 * const transport: VoiceTransport = {
 *   specificationVersion: VOICE_TRANSPORT_SPECIFICATION_VERSION,
 *   name: "MyVoiceBot",
 *   capabilities: { inputAudioFormat: { encoding: "pcm16", sampleRateHz: 16000 }, ... },
 *   async connect({ emit }) { socket = open(); socket.onaudio = (data) => emit({ type: "agent-audio", data }); },
 *   async sendAudio(data) { socket.send(data); },
 *   async endUserTurn() { socket.send({ type: "end-of-input" }); },
 *   async interrupt() { socket.send({ type: "cancel" }); },
 *   async close() { socket.close(); },
 * };
 */
export interface VoiceTransport {
  /** The contract version this transport implements. */
  readonly specificationVersion: VoiceTransportSpecificationVersion;
  /** A display name, used in errors ("OpenAIRealtimeAgent cannot send DTMF") and reports. */
  readonly name: string;
  /** What the transport can do. Read once per call; it must not change while connected. */
  readonly capabilities: VoiceCapabilities;
  /**
   * Opens the connection and resolves once audio can flow. Rejects with a `ScenarioError` that says
   * how to fix the problem (a missing API key, an unreachable URL). Events go to `context.emit`.
   */
  connect(context: VoiceTransportConnectContext): Promise<void>;
  /**
   * Closes the connection. Must not throw when it is already closed, and must not emit `closed` for
   * a close it was asked for.
   */
  close(): Promise<void>;
  /** Sends one frame of the caller's audio, in `capabilities.inputAudioFormat`. */
  sendAudio(data: Uint8Array): Promise<void>;
  /**
   * Ends the caller's turn and asks for the agent's reply (commit the audio, request a response).
   * Called once per turn after its audio, possibly with no audio sent (an agent that speaks first).
   * With `serverVad` the far side decides; make it a no-op or nudge the VAD.
   */
  endUserTurn(): Promise<void>;
  /**
   * Stops the reply in flight. With `bargeIn: "native"` cancel it on the far side and confirm with
   * `reply-end` once it stopped; otherwise do what the protocol allows (often nothing).
   */
  interrupt(context: VoiceInterruptContext): Promise<void>;
  /** Sends DTMF digits (`0-9*#`). Required when `capabilities.dtmf`. */
  sendDtmf?(digits: string): Promise<void>;
  /** Sends a user turn as text. Required when `capabilities.textInput`. */
  sendText?(text: string): Promise<void>;
}

/** True for objects that implement the voice transport contract. */
export function isVoiceTransport(value: unknown): value is VoiceTransport {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Partial<VoiceTransport>).specificationVersion === VOICE_TRANSPORT_SPECIFICATION_VERSION
  );
}
