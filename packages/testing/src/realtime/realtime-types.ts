/** A Realtime API event as JSON: its `type` plus whatever fields it carries. */
export type RealtimeEvent = { type: string } & Record<string, unknown>;

/** The Realtime session (GA shape) as the fake holds it and echoes it in `session.*` events. */
export type RealtimeSession = Record<string, unknown>;

/** What the reply policy sees when a response is requested. */
export interface RealtimeReplyContext {
  /** The connection's session, as merged from `session.update`s. */
  session: RealtimeSession;
  /** The user audio (PCM16 24 kHz mono) committed since the previous response on this connection. */
  userAudio: Uint8Array;
  /**
   * The words of that user input, when known: text items created with `conversation.item.create`,
   * or the `transcribe` option's result for committed audio.
   */
  userTranscript?: string;
  /** 0-based index of this response on its connection. */
  turnIndex: number;
  /** 0-based index of the connection on the server. */
  connectionId: number;
  /** The `response` field of the `response.create` event (undefined for VAD auto-responses). */
  request?: Record<string, unknown>;
}

/** A reply the fake speaks. */
export interface RealtimeReply {
  /** The words of the reply, streamed as transcript deltas. */
  transcript: string;
  /**
   * The reply audio, PCM16 LE 24 kHz mono, streamed byte for byte as audio deltas.
   * @default the server's `speech` option applied to `transcript` (synthetic speech-like audio)
   */
  audio?: Uint8Array;
  /**
   * Milliseconds between `response.create` and the first output item (the agent "thinking").
   * @default the server's `thinkTimeMs`
   */
  thinkTimeMs?: number;
  /** A misbehaviour to act out instead of (or in the middle of) this reply. */
  fault?: RealtimeFault;
}

/**
 * Picks the reply to a `response.create` (or a VAD auto-response). May be async (offline TTS).
 */
export type RealtimeReplyPolicy = (context: RealtimeReplyContext) => RealtimeReply | Promise<RealtimeReply>;

/** Something the fake can do wrong on purpose, to test how an adapter copes. */
export type RealtimeFault =
  /** Close the socket after this many audio deltas of the reply (network loss or a server crash). */
  | {
      type: "close";
      /** @default 0 */
      afterDeltas?: number;
      /** WebSocket close code. @default 1011 */
      code?: number;
      /** Destroy the TCP socket without a close frame. @default false */
      abrupt?: boolean;
    }
  /**
   * Send an `error` event. Without `afterDeltas` it replaces the reply (no `response.created`);
   * with it, the reply stops after that many deltas and ends with `response.done` status "failed".
   */
  | {
      type: "error";
      afterDeltas?: number;
      /** @default "server_error" */
      code?: string;
      /** @default "The server had an error while processing your request." */
      message?: string;
      /** @default "server_error" */
      errorType?: string;
    }
  /** Send `response.created`, then nothing: the reply never starts (it stays active until cancelled). */
  | { type: "stall" };

/** One frame on the wire, as the fake logged it. */
export interface RealtimeFrameRecord {
  /** Which way it went, seen from the server. */
  direction: "received" | "sent";
  /** 0-based index of the connection. */
  connectionId: number;
  /** When, on the server's clock (milliseconds). */
  atMs: number;
  /** The event's `type` (`"(invalid)"` for frames that were not a JSON event). */
  type: string;
  /** The parsed event (for invalid frames: `{ type: "(invalid)", raw }`). */
  event: RealtimeEvent;
}

/** One committed user turn: the audio appended between two commits. */
export interface RealtimeTurnRecord {
  /** 0-based index over the whole server. */
  index: number;
  /** 0-based index of the connection. */
  connectionId: number;
  /** The id of the user item the commit created. */
  itemId: string;
  /** The committed audio, PCM16 24 kHz mono, byte for byte as appended. */
  audio: Uint8Array;
  /** When it was committed, on the server's clock. */
  committedAtMs: number;
  /** Who committed it: the client's `input_audio_buffer.commit`, or the VAD stand-in. */
  committedBy: "client" | "server_vad";
  /** The `transcribe` option's result, once known. */
  transcript?: string;
}

/** How a response ended, as far as the fake knows. */
export type RealtimeResponseOutcome =
  | "in_progress"
  | "completed"
  | "cancelled"
  | "failed"
  | "stalled"
  | "error"
  | "connection-closed";

/** One response the fake started (or refused with a fault). */
export interface RealtimeResponseRecord {
  /** 0-based index over the whole server. */
  index: number;
  /** 0-based index of the connection. */
  connectionId: number;
  /** 0-based index of the response on its connection (the policy's `turnIndex`). */
  turnIndex: number;
  /** The response id (`resp_...`). */
  id: string;
  /** The assistant item id, once the output item was added. */
  itemId?: string;
  /** Who asked: a `response.create`, or the VAD stand-in after speech stopped. */
  requestedBy: "client" | "server_vad";
  /** When the response was requested, on the server's clock. */
  requestedAtMs: number;
  /** When the first audio delta was sent. */
  firstAudioAtMs?: number;
  /** When `response.done` (or the fault that ended it) was sent. */
  endedAtMs?: number;
  /** How it ended. */
  outcome: RealtimeResponseOutcome;
  /** The reply's transcript. */
  transcript?: string;
  /** The reply's full audio (what would have been sent without a cancel or fault). */
  audio?: Uint8Array;
  /** Audio bytes actually sent in deltas. */
  sentAudioBytes: number;
  /** Audio deltas actually sent. */
  deltaCount: number;
  /** The fault acted out, if any. */
  fault?: RealtimeFault;
}

/** A cancelled response. */
export interface RealtimeCancelRecord {
  /** 0-based index of the connection. */
  connectionId: number;
  /** The cancelled response. */
  responseId: string;
  /** When it was cancelled, on the server's clock. */
  atMs: number;
  /** Why: the client's `response.cancel`, or the VAD stand-in's barge-in. */
  reason: "client_cancelled" | "turn_detected";
  /** Audio deltas sent before the cancel. */
  deltasBeforeCancel: number;
}

/** A `conversation.item.truncate` the fake accepted. */
export interface RealtimeTruncateRecord {
  /** 0-based index of the connection. */
  connectionId: number;
  /** The truncated assistant item. */
  itemId: string;
  /** The content part. */
  contentIndex: number;
  /** Milliseconds of the item's audio the user heard. */
  audioEndMs: number;
  /** When, on the server's clock. */
  atMs: number;
}

/** A connection the fake accepted. */
export interface RealtimeConnectionRecord {
  /** 0-based index. */
  id: number;
  /** The request path and query (secrets in the query redacted). */
  url: string;
  /**
   * The upgrade request's headers, with credential headers (`authorization`, `cookie`, api-key,
   * token and secret headers…) and key subprotocols redacted.
   */
  headers: Record<string, string>;
  /** True when the client sent credentials (a credential header or a key subprotocol). */
  authorized: boolean;
  /** When it opened, on the server's clock. */
  openedAtMs: number;
  /** When it closed. */
  closedAtMs?: number;
}
