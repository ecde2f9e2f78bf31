/** A message of ElevenLabs' conversation WebSocket as JSON (`user_audio_chunk` frames carry no `type`). */
export type ElevenLabsMessage = Record<string, unknown>;

/**
 * An audio format as ElevenLabs names it in `conversation_initiation_metadata`: PCM16 at a sample
 * rate, or G.711 μ-law 8 kHz.
 */
export type ElevenLabsAudioFormatName =
  | "pcm_8000"
  | "pcm_16000"
  | "pcm_22050"
  | "pcm_24000"
  | "pcm_44100"
  | "pcm_48000"
  | "ulaw_8000";

/** What the client sent in `conversation_initiation_client_data`. */
export interface ElevenLabsInitiation {
  /** `conversation_config_override` (agent prompt, first message, language, TTS voice), as sent. */
  conversationConfigOverride?: Record<string, unknown>;
  /** `dynamic_variables`, as sent. */
  dynamicVariables?: Record<string, unknown>;
  /** `custom_llm_extra_body`, as sent. */
  customLlmExtraBody?: Record<string, unknown>;
}

/** A client tool the fake agent calls before it speaks a reply. */
export interface ElevenLabsToolCallPlan {
  /** `client_tool_call.tool_name`. */
  toolName: string;
  /** `client_tool_call.parameters`. @default {} */
  parameters?: Record<string, unknown>;
  /** `client_tool_call.tool_call_id`. @default a fresh id */
  toolCallId?: string;
}

/** What the reply policy sees when the caller's turn ends. */
export interface ElevenLabsReplyContext {
  /** The caller's audio of the turn, in the input format, byte for byte as received (empty otherwise). */
  callerAudio: Uint8Array;
  /** What the agent understood: the `transcribe` option's result, or a `user_message`'s text. */
  callerTranscript?: string;
  /** What started this turn: the caller's speech, a `user_message`, or the call starting. */
  trigger: "speech" | "text" | "first-message";
  /** 0-based index of this reply on its connection. */
  turnIndex: number;
  /** 0-based index of the connection on the server. */
  connectionId: number;
  /** What the client sent in `conversation_initiation_client_data`. */
  initiation?: ElevenLabsInitiation;
}

/** A reply the fake agent speaks. */
export interface ElevenLabsReply {
  /** The words of the reply, sent in `agent_response`. */
  transcript: string;
  /**
   * The reply audio in the server's output format (`outputFormat`), sent byte for byte in `audio`
   * events.
   * @default the server's `speech` option applied to `transcript`
   */
  audio?: Uint8Array;
  /**
   * Milliseconds from the end of the caller's speech (the last voiced chunk's arrival) to the first
   * audio event. Never sooner than the VAD's `silenceDurationMs` after the speech.
   * @default the server's `thinkTimeMs`
   */
  thinkTimeMs?: number;
  /** Client tools to call first; the reply is spoken once every result came back. */
  toolCalls?: ElevenLabsToolCallPlan[];
  /** Picks the words to speak from the tools' results (it replaces `transcript` and `audio`). */
  afterTools?: (results: readonly ElevenLabsToolCallRecord[]) => string;
  /** A misbehaviour to act out instead of (or in the middle of) this reply. */
  fault?: ElevenLabsFault;
}

/** Picks the reply to a caller's turn. May be async (offline TTS, a recogniser). */
export type ElevenLabsReplyPolicy = (
  context: ElevenLabsReplyContext,
) => ElevenLabsReply | Promise<ElevenLabsReply>;

/** Something the fake agent does wrong on purpose, to test how a client copes. */
export type ElevenLabsFault =
  /** Close the socket after this many `audio` events of the reply (a crash or network loss). */
  | {
      type: "close";
      /** @default 0 */
      afterChunks?: number;
      /** WebSocket close code. @default 1011 */
      code?: number;
      /** Destroy the TCP socket without a close frame. @default false */
      abrupt?: boolean;
    }
  /** Send a frame that is not JSON after this many `audio` events. */
  | {
      type: "malformed";
      /** @default 0 */
      afterChunks?: number;
      /** The raw text sent. @default a cut `audio` event */
      text?: string;
    }
  /** Send this many `audio` events of the reply, then nothing more. */
  | {
      type: "silence";
      /** @default 0 (the agent never answers) */
      afterChunks?: number;
    };

/** How a reply ended. */
export type ElevenLabsReplyOutcome =
  | "in_progress"
  /** Every audio event sent. */
  | "completed"
  /** The caller spoke over it: the agent sent `interruption`. */
  | "interrupted"
  /** A `silence` fault, a tool result that never came, or a failing policy: the agent went quiet. */
  | "silent"
  /** A `malformed` fault. */
  | "malformed"
  /** The socket closed (a `close` fault, the client hanging up, or the server closing). */
  | "connection-closed";

/** One frame on the wire, as the fake logged it. */
export interface ElevenLabsFrameRecord {
  /** Which way it went, seen from the agent. */
  direction: "received" | "sent";
  /** 0-based index of the connection. */
  connectionId: number;
  /** When, on the server's clock (milliseconds). */
  atMs: number;
  /** The message's `type` (`"user_audio_chunk"` for audio, `"(invalid)"` for broken frames). */
  type: string;
  /** The parsed message (for invalid frames: `{ raw }`). */
  message: ElevenLabsMessage;
  /** For `audio` events sent after an `interruption` of their reply: audio that was already in flight. */
  late?: boolean;
}

/** One turn of the caller's speech, as the agent's VAD cut it. */
export interface ElevenLabsTurnRecord {
  /** 0-based index over the whole server. */
  index: number;
  /** 0-based index of the connection. */
  connectionId: number;
  /** The caller's audio of the turn, in the input format, byte for byte as received. */
  audio: Uint8Array;
  /** When the first voiced chunk arrived, on the server's clock. */
  speechStartedAtMs: number;
  /** When the last voiced chunk arrived. */
  speechEndedAtMs: number;
  /** True when the speech began while the agent was talking (a barge-in). */
  bargeIn: boolean;
  /** The `transcribe` option's result, once known. */
  transcript?: string;
}

/** One reply the agent started. */
export interface ElevenLabsReplyRecord {
  /** 0-based index over the whole server. */
  index: number;
  /** 0-based index of the connection. */
  connectionId: number;
  /** 0-based index on its connection (the policy's `turnIndex`). */
  turnIndex: number;
  /** What started it. */
  trigger: ElevenLabsReplyContext["trigger"];
  /** The `event_id` its audio events carry. */
  eventId: number;
  /** The instant the think time counts from. */
  thinkFromMs: number;
  /** When the first `audio` event was sent. */
  firstChunkAtMs?: number;
  /** When the reply ended. */
  endedAtMs?: number;
  /** How it ended. */
  outcome: ElevenLabsReplyOutcome;
  /** The words sent in `agent_response`. */
  transcript?: string;
  /** The reply's whole audio, what would have been sent without an interruption or fault. */
  audio?: Uint8Array;
  /** Audio bytes sent before the reply ended (late audio not counted). */
  sentBytes: number;
  /** `audio` events sent before the reply ended. */
  chunkCount: number;
  /** The fault acted out, if any. */
  fault?: ElevenLabsFault;
  /** Why the policy, the speech source or a tool call failed, when one did. */
  error?: string;
}

/** An `interruption` the agent sent because the caller spoke over it. */
export interface ElevenLabsInterruptionRecord {
  /** 0-based index of the connection. */
  connectionId: number;
  /** The reply it cut. */
  replyIndex: number;
  /** `interruption_event.event_id`: audio with a lower id belongs to the cut reply. */
  eventId: number;
  /** When, on the server's clock. */
  atMs: number;
  /** The words the caller heard, sent in `agent_response_correction`. */
  correctedTranscript: string;
}

/** A client tool call the agent made, and its result. */
export interface ElevenLabsToolCallRecord {
  /** 0-based index of the connection. */
  connectionId: number;
  /** `tool_call_id`. */
  toolCallId: string;
  /** `tool_name`. */
  toolName: string;
  /** `parameters`. */
  parameters: Record<string, unknown>;
  /** When the call was sent. */
  calledAtMs: number;
  /** `client_tool_result.result`, once it came. */
  result?: unknown;
  /** `client_tool_result.is_error`. */
  isError?: boolean;
  /** When the result came. */
  resultAtMs?: number;
}

/** A `ping` the agent sent, and the client's `pong`. */
export interface ElevenLabsPingRecord {
  /** 0-based index of the connection. */
  connectionId: number;
  /** `ping_event.event_id`. */
  eventId: number;
  /** When it was sent. */
  sentAtMs: number;
  /** When the matching `pong` came. */
  pongAtMs?: number;
}

/** A connection the fake accepted. */
export interface ElevenLabsConnectionRecord {
  /** 0-based index. */
  id: number;
  /** The request path and query. */
  url: string;
  /** The `agent_id` query parameter. */
  agentId?: string;
  /** How the client authenticated: the `xi-api-key` header, a signed URL, or not at all. */
  auth: "api-key" | "signed-url" | "none";
  /** The upgrade request's headers, credentials redacted. */
  headers: Record<string, string>;
  /** `conversation_initiation_metadata_event.conversation_id`. */
  conversationId: string;
  /** What the client sent in `conversation_initiation_client_data`, once it came. */
  initiation?: ElevenLabsInitiation;
  /** `contextual_update` texts, in order. */
  contextualUpdates: string[];
  /** `user_message` texts, in order. */
  userMessages: string[];
  /** When it opened, on the server's clock. */
  openedAtMs: number;
  /** When it closed. */
  closedAtMs?: number;
}

/** A way the client broke the protocol, as the fake saw it. */
export interface ElevenLabsProtocolViolation {
  /** 0-based index of the connection. */
  connectionId: number;
  /** When, on the server's clock. */
  atMs: number;
  /** What was wrong. */
  message: string;
}
