// The Scenario voice protocol, version 1: the wire types both sides share. The specification, with
// sequence examples, is the package README; keep the two in step.

/** The protocol's name, sent in `session.start` so a server can tell it is being spoken to. */
export const VOICE_PROTOCOL_NAME = "scenario-voice" as const;

/** The protocol version this package speaks. */
export const VOICE_PROTOCOL_VERSION = 1 as const;

/** Every protocol version this package can speak, newest first. */
export const SUPPORTED_VOICE_PROTOCOL_VERSIONS: readonly number[] = [VOICE_PROTOCOL_VERSION];

/** How samples are encoded in binary audio frames. */
export type VoiceProtocolEncoding =
  /** Signed 16-bit little-endian PCM, 2 bytes a sample. */
  | "pcm16"
  /** G.711 mu-law, 1 byte a sample. */
  | "mulaw";

/** The format of one direction's binary audio frames. */
export interface VoiceProtocolAudioFormat {
  /** How samples are encoded. */
  encoding: VoiceProtocolEncoding;
  /** Samples a second per channel, in Hz: a whole number from 8000 to 48000. */
  sampleRateHz: number;
  /** Interleaved channels, 1 or 2. */
  channels: number;
}

/** The format both sides use unless `session.start` asks for another: PCM16, 24 kHz, mono. */
export const DEFAULT_VOICE_PROTOCOL_FORMAT: Readonly<VoiceProtocolAudioFormat> = Object.freeze({
  encoding: "pcm16",
  sampleRateHz: 24_000,
  channels: 1,
});

/**
 * Who decides that the caller finished a turn: `"client"` sends `input.end` after each turn and the
 * agent answers it; `"server"` leaves it to the agent's own voice activity detection.
 */
export type VoiceProtocolTurnDetection = "client" | "server";

/** What an agent declares it can do, in `session.started`. */
export interface VoiceProtocolCapabilities {
  /** The agent detects the end of the caller's speech itself (`turnDetection: "server"` is possible). */
  serverVad: boolean;
  /** The agent sends `transcript` messages of its own speech. */
  agentTranscripts: boolean;
  /** The agent sends `transcript` messages of what it recognised of the caller. */
  userTranscripts: boolean;
  /** The agent reports its tool calls (`tool.call`) and their results (`tool.result`). */
  toolCalls: boolean;
  /** The agent accepts `dtmf` messages. */
  dtmf: boolean;
  /** The agent accepts `input.text` messages (a caller's turn as text). */
  textInput: boolean;
}

// ---- Client (the caller, e.g. Scenario) to server (the voice agent) ----

/** Opens the session: the first message on a connection. */
export interface SessionStartMessage {
  type: "session.start";
  /** Always `"scenario-voice"`. */
  protocol: typeof VOICE_PROTOCOL_NAME;
  /** Protocol versions the client speaks; the server picks the highest it also speaks. */
  versions: number[];
  /** The format of the client's binary audio frames. @default PCM16 24 kHz mono */
  input?: VoiceProtocolAudioFormat;
  /** The format the client wants the agent's audio in. @default PCM16 24 kHz mono */
  output?: VoiceProtocolAudioFormat;
  /** Who ends the caller's turns. @default "client" */
  turnDetection?: VoiceProtocolTurnDetection;
  /** Free-form details for the agent (the scenario's name, a thread id). Never credentials. */
  metadata?: Record<string, unknown>;
}

/** The caller finished speaking: answer now (with `turnDetection: "server"`, a hint). */
export interface InputEndMessage {
  type: "input.end";
}

/**
 * The caller's words as text, for agents with `textInput`: part of the caller's turn like audio;
 * `input.end` ends the turn.
 */
export interface InputTextMessage {
  type: "input.text";
  /** What the caller says. */
  text: string;
}

/** Stop the reply in flight. */
export interface InterruptMessage {
  type: "interrupt";
  /** The reply to stop, when the client knows it. */
  responseId?: string;
  /** Milliseconds of the reply's audio the caller heard: where the agent should cut its memory. */
  playedMs?: number;
}

/** DTMF key presses, for agents with `dtmf`. */
export interface DtmfMessage {
  type: "dtmf";
  /** The digits, `0-9`, `*`, `#`, `A-D`. */
  digits: string;
}

/** The client hangs up. */
export interface SessionEndMessage {
  type: "session.end";
  /** Why, for logs. */
  reason?: string;
}

/** Every JSON message a client sends. */
export type VoiceProtocolClientMessage =
  | SessionStartMessage
  | InputEndMessage
  | InputTextMessage
  | InterruptMessage
  | DtmfMessage
  | SessionEndMessage;

// ---- Server (the voice agent) to client ----

/** Accepts `session.start`: the version and formats in use, and what the agent can do. */
export interface SessionStartedMessage {
  type: "session.started";
  /** The protocol version chosen for this session. */
  version: number;
  /** The session's id, for logs. */
  sessionId: string;
  /** The format of the client's audio frames (as requested). */
  input: VoiceProtocolAudioFormat;
  /** The format of the agent's audio frames: the requested one, or the agent's own when it differs. */
  output: VoiceProtocolAudioFormat;
  /** Who ends the caller's turns: `"server"` only when requested and the agent has `serverVad`. */
  turnDetection: VoiceProtocolTurnDetection;
  /** What the agent can do. */
  capabilities: VoiceProtocolCapabilities;
  /** The agent's name and version, for reports. */
  agent?: { name?: string; version?: string };
}

/** A reply starts; its audio follows as binary frames until `response.done`. */
export interface ResponseStartedMessage {
  type: "response.started";
  /** The reply's id. */
  responseId: string;
}

/** How a reply ended. */
export type VoiceProtocolResponseStatus =
  /** All of its audio was sent. */
  | "completed"
  /** It was cut: by the client's `interrupt`, or because the agent heard the caller speak over it. */
  | "interrupted"
  /** The agent failed while answering (an `error` precedes it). */
  | "failed";

/** A reply is over; no more audio of it follows. */
export interface ResponseDoneMessage {
  type: "response.done";
  /** The reply's id. */
  responseId: string;
  /** How it ended. */
  status: VoiceProtocolResponseStatus;
  /** For `"interrupted"`: who cut it. */
  reason?: "client" | "user_speech";
  /** Milliseconds of audio the agent sent for this reply. */
  audioMs?: number;
}

/** Words spoken, by the agent or by the caller as the agent recognised them. */
export interface TranscriptMessage {
  type: "transcript";
  /** Whose words. */
  speaker: "agent" | "user";
  /** The whole transcript of the utterance so far (not a delta); the final one replaces the rest. */
  text: string;
  /** True for the utterance's last, complete transcript. */
  final: boolean;
  /** For the agent's words: the reply they belong to. */
  responseId?: string;
}

/** The agent noticed speech start or stop (its VAD for the caller, its TTS for itself). */
export interface SpeechMessage {
  type: "speech.started" | "speech.stopped";
  /** Who. */
  speaker: "agent" | "user";
  /** For the caller: where in the input audio, in milliseconds since the session started. */
  audioMs?: number;
}

/** The agent called a tool. */
export interface ToolCallMessage {
  type: "tool.call";
  /** Identifies the call; its result carries the same id. */
  callId: string;
  /** The tool's name. */
  name: string;
  /** The arguments (JSON). */
  arguments: unknown;
}

/** A tool call the agent made returned. */
export interface ToolResultMessage {
  type: "tool.result";
  /** The call this answers. */
  callId: string;
  /** The tool's name. */
  name: string;
  /** What the tool returned (JSON). */
  output: unknown;
  /** True when the tool failed and `output` describes the failure. */
  isError?: boolean;
}

/** Stable error codes. */
export type VoiceProtocolErrorCode =
  /** No common protocol version (fatal; `supportedVersions` lists the server's). */
  | "unsupported_version"
  /** An audio format the receiver cannot take (fatal). */
  | "unsupported_format"
  /** A frame that is not a protocol message, or a field with a wrong value. */
  | "invalid_message"
  /** A message the receiver does not know. */
  | "unknown_message_type"
  /** A message that is valid but not now (audio before `session.started`, a second `session.start`). */
  | "invalid_state"
  /** A message for a capability the agent lacks (`dtmf`, `input.text`). */
  | "unsupported"
  /** The agent failed (its speech recogniser, its model, its TTS). */
  | "agent_error";

/** Something went wrong. With `fatal`, the sender closes the connection next. */
export interface ErrorMessage {
  type: "error";
  /** A stable code. */
  code: VoiceProtocolErrorCode | (string & {});
  /** What went wrong, for a person. */
  message: string;
  /** True when the session is over. */
  fatal: boolean;
  /** The reply it concerns, if any. */
  responseId?: string;
  /** For `unsupported_version`: the versions the sender speaks. */
  supportedVersions?: number[];
}

/** The agent hangs up (the call is over); the connection closes with 1000 next. */
export interface SessionEndedMessage {
  type: "session.ended";
  /** Why, for logs. */
  reason?: string;
}

/** Every JSON message a server sends. */
export type VoiceProtocolServerMessage =
  | SessionStartedMessage
  | ResponseStartedMessage
  | ResponseDoneMessage
  | TranscriptMessage
  | SpeechMessage
  | ToolCallMessage
  | ToolResultMessage
  | ErrorMessage
  | SessionEndedMessage;

/** WebSocket close codes the protocol uses, beside 1000 (normal) and 1011 (internal error). */
export const VoiceProtocolCloseCode = {
  /** No common protocol version. */
  unsupportedVersion: 4000,
  /** An audio format the server cannot take. */
  unsupportedFormat: 4001,
  /** The peer broke the protocol (a binary frame before `session.started`, no `session.start`). */
  protocolError: 4002,
} as const;

// ---- Validation, shared by the server helper and the client ----

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Why `value` is not a valid audio format, or undefined when it is one. */
export function audioFormatProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return "an audio format must be an object { encoding, sampleRateHz, channels }";
  if (value.encoding !== "pcm16" && value.encoding !== "mulaw") {
    return `encoding must be "pcm16" or "mulaw", got ${JSON.stringify(value.encoding)}`;
  }
  const rate = value.sampleRateHz;
  if (typeof rate !== "number" || !Number.isInteger(rate) || rate < 8000 || rate > 48_000) {
    return `sampleRateHz must be a whole number from 8000 to 48000, got ${JSON.stringify(rate)}`;
  }
  if (value.channels !== 1 && value.channels !== 2) {
    return `channels must be 1 or 2, got ${JSON.stringify(value.channels)}`;
  }
  return undefined;
}

/** Bytes in one sample frame (every channel's sample) of `format`. */
export function bytesPerSampleFrame(format: VoiceProtocolAudioFormat): number {
  return (format.encoding === "pcm16" ? 2 : 1) * format.channels;
}

/** Milliseconds that `byteLength` bytes of `format` last. */
export function audioDurationMs(byteLength: number, format: VoiceProtocolAudioFormat): number {
  return (Math.floor(byteLength / bytesPerSampleFrame(format)) * 1000) / format.sampleRateHz;
}

/** True when the two formats are the same. */
export function sameAudioFormat(a: VoiceProtocolAudioFormat, b: VoiceProtocolAudioFormat): boolean {
  return a.encoding === b.encoding && a.sampleRateHz === b.sampleRateHz && a.channels === b.channels;
}

/** Reads one text frame as a JSON message with a string `type`, or says why it is not one. */
export function parseProtocolMessage(
  text: string,
): { message: { type: string } & Record<string, unknown> } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: "the text frame is not JSON" };
  }
  if (!isRecord(parsed) || typeof parsed.type !== "string") {
    return { problem: "the text frame is not a JSON object with a string `type`" };
  }
  return { message: parsed as { type: string } & Record<string, unknown> };
}
