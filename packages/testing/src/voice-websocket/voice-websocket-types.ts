// The fake's own reading of the Scenario voice protocol (README of @scenario/voice-websocket). It is
// written from the specification, not imported from that package, so the fake and the package's
// serveVoiceAgent() check each other.

/** A protocol message as JSON: its `type` plus whatever fields it carries. */
export type VoiceWebSocketMessage = { type: string } & Record<string, unknown>;

/** The format of one direction's binary audio frames. */
export interface VoiceWebSocketAudioFormat {
  /** `"pcm16"` (little-endian, 2 bytes a sample) or `"mulaw"` (1 byte a sample). */
  encoding: "pcm16" | "mulaw";
  /** Samples a second per channel, in Hz. */
  sampleRateHz: number;
  /** Interleaved channels, 1 or 2. */
  channels: number;
}

/** What the fake declares in `session.started`. */
export interface VoiceWebSocketCapabilities {
  /** The fake's energy VAD may end turns (`turnDetection: "server"`). */
  serverVad: boolean;
  /** It sends transcripts of its replies. */
  agentTranscripts: boolean;
  /** It sends what it recognised of the caller (needs the `transcribe` option to say anything). */
  userTranscripts: boolean;
  /** It reports the tool calls of replies that have some. */
  toolCalls: boolean;
  /** It accepts `dtmf`. */
  dtmf: boolean;
  /** It accepts `input.text`. */
  textInput: boolean;
}

/** What the reply policy sees when a turn ends. */
export interface VoiceWebSocketReplyContext {
  /** The caller's audio of this turn, byte for byte as received, in `inputFormat`. */
  userAudio: Uint8Array;
  /** The same audio as PCM16 24 kHz mono (for a recogniser). */
  userPcm24k: Uint8Array;
  /** The caller's words: the turn's `input.text`, or else the `transcribe` option's result. */
  userTranscript?: string;
  /** DTMF digits received since the previous reply. */
  dtmf: string;
  /** 0-based index of this reply on its connection. */
  turnIndex: number;
  /** 0-based index of the connection on the server. */
  connectionId: number;
  /** The session's input format. */
  inputFormat: VoiceWebSocketAudioFormat;
  /** The session's output format: a reply's `audio` must be in it. */
  outputFormat: VoiceWebSocketAudioFormat;
  /** The `metadata` of the client's `session.start`. */
  metadata: Record<string, unknown>;
}

/** A tool call a reply reports before it speaks (the fake "ran" it). */
export interface VoiceWebSocketToolCall {
  /** The tool's name. */
  name: string;
  /** Its arguments. */
  arguments: unknown;
  /** Its result, reported as `tool.result`. @default no result is reported */
  output?: unknown;
}

/** A reply the fake speaks. */
export interface VoiceWebSocketReply {
  /** The words, streamed as partial transcripts while the audio plays, then final. */
  transcript: string;
  /**
   * The audio, in the session's output format, sent byte for byte.
   * @default the server's `speech` option applied to `transcript`, converted to the output format
   */
  audio?: Uint8Array;
  /** Milliseconds from the end of the turn to the first audio. @default the server's `thinkTimeMs` */
  thinkTimeMs?: number;
  /** Tool calls reported (after the think time, before the audio). */
  toolCalls?: VoiceWebSocketToolCall[];
  /** A misbehaviour to act out instead of (or in the middle of) this reply. */
  fault?: VoiceWebSocketFault;
}

/** Picks the reply when a turn ends. May be async (offline TTS, a recogniser). */
export type VoiceWebSocketReplyPolicy = (
  context: VoiceWebSocketReplyContext,
) => VoiceWebSocketReply | Promise<VoiceWebSocketReply>;

/** Something the fake does wrong on purpose, to test how a client copes. */
export type VoiceWebSocketFault =
  /** Close the connection after this many audio frames of the reply. */
  | {
      type: "close";
      /** @default 0 */
      afterChunks?: number;
      /** WebSocket close code. @default 1011 */
      code?: number;
      /** Destroy the TCP socket without a close frame. @default false */
      abrupt?: boolean;
    }
  /**
   * Send an `error`. Without `afterChunks` it replaces the reply (after the think time, no
   * `response.started`); with it, the reply stops after that many frames and ends "failed".
   */
  | {
      type: "error";
      afterChunks?: number;
      /** @default "agent_error" */
      code?: string;
      /** @default "The agent failed while answering." */
      message?: string;
      /** Close the connection after it (code 1011). @default false */
      fatal?: boolean;
    }
  /** Send a text frame that is not a protocol message after this many audio frames, then go on. */
  | { type: "malformed"; afterChunks?: number }
  /** Say nothing at all: no `response.started`, no audio (an agent that hangs). */
  | { type: "silence" }
  /** Send `response.started`, then nothing (the reply never speaks until interrupted). */
  | { type: "stall" };

/** One frame on the wire, as the fake logged it. */
export interface VoiceWebSocketFrameRecord {
  /** Which way it went, seen from the server. */
  direction: "received" | "sent";
  /** 0-based index of the connection. */
  connectionId: number;
  /** When, on the server's clock (milliseconds). */
  atMs: number;
  /** The message's `type`; `"audio"` for binary frames; `"(invalid)"` for unreadable text. */
  type: string;
  /** The message (text frames). */
  message?: VoiceWebSocketMessage;
  /** The frame's size in bytes (binary frames). */
  byteLength?: number;
}

/** A connection the fake accepted. */
export interface VoiceWebSocketConnectionRecord {
  /** 0-based index. */
  id: number;
  /** The request path and query. */
  url: string;
  /** The upgrade request's headers, credentials redacted. */
  headers: Record<string, string>;
  /** When it opened, on the server's clock. */
  openedAtMs: number;
  /** When it closed. */
  closedAtMs?: number;
  /** The client's `session.start`, once received. */
  sessionStart?: VoiceWebSocketMessage;
  /** The version chosen, once the session started. */
  version?: number;
  /** The session's input format, once started. */
  inputFormat?: VoiceWebSocketAudioFormat;
  /** The session's output format, once started. */
  outputFormat?: VoiceWebSocketAudioFormat;
  /** The turn detection in use, once started. */
  turnDetection?: "client" | "server";
}

/** One caller turn. */
export interface VoiceWebSocketTurnRecord {
  /** 0-based index over the whole server. */
  index: number;
  /** 0-based index of the connection. */
  connectionId: number;
  /** The audio received for the turn, byte for byte, in the input format. */
  audio: Uint8Array;
  /** What ended it: the client's `input.end`, or the fake's VAD. */
  endedBy: "input.end" | "vad";
  /** The `input.text` words of the turn, if any (joined by spaces). */
  text?: string;
  /** The `transcribe` option's result, once known. */
  transcript?: string;
  /** When it ended, on the server's clock. */
  endedAtMs: number;
}

/** How a reply ended, as far as the fake knows. */
export type VoiceWebSocketResponseOutcome =
  | "in_progress"
  | "completed"
  | "interrupted"
  | "failed"
  | "silent"
  | "stalled"
  | "connection-closed";

/** One reply the fake started (or refused with a fault). */
export interface VoiceWebSocketResponseRecord {
  /** 0-based index over the whole server. */
  index: number;
  /** 0-based index of the connection. */
  connectionId: number;
  /** 0-based index of the reply on its connection. */
  turnIndex: number;
  /** The reply's id. */
  id: string;
  /** When the turn it answers ended, on the server's clock. */
  requestedAtMs: number;
  /** When the first audio frame went out. */
  firstAudioAtMs?: number;
  /** When it ended. */
  endedAtMs?: number;
  /** How it ended. */
  outcome: VoiceWebSocketResponseOutcome;
  /** Its transcript. */
  transcript?: string;
  /** Its whole audio in the output format (what would have been sent without a cut). */
  audio?: Uint8Array;
  /** Audio bytes actually sent. */
  sentAudioBytes: number;
  /** Audio frames actually sent. */
  chunkCount: number;
  /** The fault acted out, if any. */
  fault?: VoiceWebSocketFault;
}

/** A reply cut short. */
export interface VoiceWebSocketInterruptRecord {
  /** 0-based index of the connection. */
  connectionId: number;
  /** The reply cut (undefined when an `interrupt` found nothing to cut). */
  responseId?: string;
  /** Who cut it: the client's `interrupt`, or the fake's VAD hearing the caller over the reply. */
  by: "client" | "user_speech";
  /** The `playedMs` the client sent. */
  playedMs?: number;
  /** Milliseconds of audio sent before the cut. */
  sentAudioMs: number;
  /** When, on the server's clock. */
  atMs: number;
}
