/** A Live API message as JSON: one top-level field (`setup`, `serverContent`, …) and its value. */
export type GeminiLiveMessage = Record<string, unknown>;

/** A function call the fake's model makes (`toolCall.functionCalls[]`). */
export interface GeminiLiveFunctionCall {
  /** The function's name. */
  name: string;
  /** The arguments, as the model sends them. @default {} */
  args?: Record<string, unknown>;
}

/** A function response the client sent back (`toolResponse.functionResponses[]`). */
export interface GeminiLiveFunctionResponse {
  /** The call it answers. */
  id: string;
  /** The function's name. */
  name: string;
  /** What the function returned. */
  response: unknown;
}

/** What the reply policy sees when the model answers a turn. */
export interface GeminiLiveReplyContext {
  /** The session's `setup` message, as the client sent it. */
  setup: Record<string, unknown>;
  /** The caller's audio of this turn, converted to PCM16 24 kHz mono. */
  userAudio: Uint8Array;
  /** The caller's words: text turns (`clientContent`), or the `transcribe` option's result. */
  userTranscript?: string;
  /** The client's answers to this turn's function calls, once it sent them (the policy is asked again). */
  toolResponses?: GeminiLiveFunctionResponse[];
  /** 0-based index of this turn's reply on its connection. */
  turnIndex: number;
  /** 0-based index of the connection on the server. */
  connectionId: number;
}

/** Token counts the fake reports in `usageMetadata` (the Live API's names). */
export interface GeminiLiveUsage {
  /** Tokens of the prompt (the whole context so far). */
  promptTokenCount: number;
  /** Tokens of the reply. */
  responseTokenCount: number;
  /** Prompt plus reply. */
  totalTokenCount: number;
  /** Prompt tokens served from the cache. */
  cachedContentTokenCount?: number;
}

/** A reply the fake speaks. */
export interface GeminiLiveReply {
  /** The words of the reply, streamed as `outputTranscription` when the session asked for it. */
  transcript: string;
  /**
   * The reply audio, PCM16 LE 24 kHz mono, sent byte for byte in `modelTurn` inline data.
   * @default the server's `speech` option applied to `transcript`
   */
  audio?: Uint8Array;
  /**
   * Functions the model calls after speaking `transcript` (which may be empty). The fake waits for
   * the client's `toolResponse`, then asks the policy again with `toolResponses` set; that second
   * reply's own `toolCalls` are ignored (one round of calls per turn).
   */
  toolCalls?: GeminiLiveFunctionCall[];
  /**
   * Milliseconds between the end of the caller's turn and the first audio (the model "thinking").
   * @default the server's `thinkTimeMs`
   */
  thinkTimeMs?: number;
  /** The usage to report for this reply. @default counts derived from the audio lengths */
  usage?: GeminiLiveUsage;
  /** A misbehaviour to act out instead of (or in the middle of) this reply. */
  fault?: GeminiLiveFault;
}

/** Picks the reply to a turn. May be async (offline TTS). */
export type GeminiLiveReplyPolicy = (
  context: GeminiLiveReplyContext,
) => GeminiLiveReply | Promise<GeminiLiveReply>;

/** Something the fake can do wrong on purpose, to test how an adapter copes. */
export type GeminiLiveFault =
  /** Close the socket after this many audio chunks of the reply (the Live API reports errors by closing). */
  | {
      type: "close";
      /** @default 0 */
      afterChunks?: number;
      /** WebSocket close code. @default 1011 */
      code?: number;
      /** The close reason. @default "Internal error encountered." */
      reason?: string;
      /** Destroy the TCP socket without a close frame. @default false */
      abrupt?: boolean;
    }
  /** The reply never starts: no audio, no `turnComplete`. */
  | { type: "stall" }
  /**
   * After this reply's `turnComplete`, send `goAway` and close the connection `closeAfterMs` later,
   * as the real service does when a connection reaches its lifetime.
   */
  | {
      type: "goAway";
      /** The `timeLeft` sent. @default "1s" */
      timeLeft?: string;
      /** @default 50 */
      closeAfterMs?: number;
    };

/** One frame on the wire, as the fake logged it. */
export interface GeminiLiveFrameRecord {
  /** Which way it went, seen from the server. */
  direction: "received" | "sent";
  /** 0-based index of the connection. */
  connectionId: number;
  /** When, on the server's clock (milliseconds). */
  atMs: number;
  /** The message's top-level field (`"setup"`, `"realtimeInput"`, …; `"(invalid)"` for non-JSON). */
  type: string;
  /** The message (for invalid frames: `{ raw }`). */
  message: GeminiLiveMessage;
}

/** One user turn the fake answered. */
export interface GeminiLiveTurnRecord {
  /** 0-based index over the whole server. */
  index: number;
  /** 0-based index of the connection. */
  connectionId: number;
  /** The caller's audio of the turn, byte for byte as sent (PCM16 16 kHz). */
  audio: Uint8Array;
  /** What ended it: `activityEnd` (manual), the VAD stand-in, `audioStreamEnd` or `clientContent`. */
  endedBy: "activityEnd" | "vad" | "audioStreamEnd" | "clientContent";
  /** Text of the turn (`clientContent` turns). */
  text?: string;
  /** The `transcribe` option's result, once known. */
  transcript?: string;
  /** When it ended, on the server's clock. */
  endedAtMs: number;
}

/** How a reply ended, as far as the fake knows. */
export type GeminiLiveResponseOutcome =
  | "in_progress"
  | "completed"
  | "interrupted"
  | "stalled"
  | "connection-closed";

/** One reply the fake started. */
export interface GeminiLiveResponseRecord {
  /** 0-based index over the whole server. */
  index: number;
  /** 0-based index of the connection. */
  connectionId: number;
  /** 0-based index on its connection (the policy's `turnIndex`). */
  turnIndex: number;
  /** When the turn it answers ended, on the server's clock. */
  requestedAtMs: number;
  /** When the first audio chunk was sent. */
  firstAudioAtMs?: number;
  /** When it ended. */
  endedAtMs?: number;
  /** How it ended. */
  outcome: GeminiLiveResponseOutcome;
  /** What it said (all its parts, joined by a space). */
  transcript?: string;
  /** Audio bytes sent (PCM16 24 kHz), including late chunks after an interruption. */
  sentAudioBytes: number;
  /** Audio chunks sent. */
  chunkCount: number;
  /** The function calls made, with the ids the fake gave them. */
  toolCalls: Array<GeminiLiveFunctionCall & { id: string }>;
  /** The client's answers to them. */
  toolResponses: GeminiLiveFunctionResponse[];
  /** Ids of calls the fake cancelled (`toolCallCancellation`). */
  cancelledToolCallIds: string[];
  /** The usage reported at its `turnComplete`. */
  usage?: GeminiLiveUsage;
  /** The fault acted out, if any. */
  fault?: GeminiLiveFault;
}

/** A reply the caller interrupted. */
export interface GeminiLiveInterruptionRecord {
  /** 0-based index of the connection. */
  connectionId: number;
  /** The interrupted reply's index on the server. */
  responseIndex: number;
  /** What interrupted it: the client's `activityStart`, or the VAD stand-in hearing the caller. */
  by: "activityStart" | "vad";
  /** Audio bytes sent before the interruption was noticed. */
  sentAudioBytesBefore: number;
  /** Chunks still sent after it (the `lateAudioChunks` option), before `interrupted`. */
  lateChunks: number;
  /** When, on the server's clock. */
  atMs: number;
}

/** A connection the fake accepted. */
export interface GeminiLiveConnectionRecord {
  /** 0-based index. */
  id: number;
  /** The request path and query, with the `key` parameter redacted. */
  url: string;
  /** The upgrade request's headers, credentials redacted. */
  headers: Record<string, string>;
  /** True when the client sent an API key (`?key=` or an `x-goog-api-key` header). */
  authorized: boolean;
  /** The `setup` message, once received. */
  setup?: Record<string, unknown>;
  /** The session resumption handle the setup resumed from, when it gave one. */
  resumedFrom?: string;
  /** When it opened, on the server's clock. */
  openedAtMs: number;
  /** When it closed. */
  closedAtMs?: number;
}
