/** A Media Streams message as JSON: its `event` plus whatever fields it carries. */
export type TwilioMessage = { event: string } & Record<string, unknown>;

/** The stream metadata the caller (Twilio's side) sent in its `start` message. */
export interface TwilioStreamStart {
  /** `start.streamSid`. */
  streamSid: string;
  /** `start.callSid`. */
  callSid: string;
  /** `start.accountSid`. */
  accountSid: string;
  /** `start.tracks`. */
  tracks: string[];
  /** `start.mediaFormat` as sent. */
  mediaFormat: Record<string, unknown>;
  /** `start.customParameters` (the `<Parameter>`s of a `<Stream>`). */
  customParameters: Record<string, string>;
}

/** What the reply policy sees when the caller's turn ends. */
export interface TwilioReplyContext {
  /**
   * The caller's audio since the previous turn, G.711 μ-law 8 kHz, byte for byte as received
   * (empty for a greeting).
   */
  callerAudio: Uint8Array;
  /** The words of that audio, when the server has a `transcribe` option. */
  callerTranscript?: string;
  /** The DTMF digits pressed since the previous turn, in order ("" when none). */
  digits: string;
  /** What started this turn: the caller's speech, DTMF keys, or the call starting (a greeting). */
  trigger: "speech" | "dtmf" | "greeting";
  /** 0-based index of this reply on its connection. */
  turnIndex: number;
  /** 0-based index of the connection on the server. */
  connectionId: number;
  /** The caller's `start` metadata, once it arrived. */
  start?: TwilioStreamStart;
}

/** A reply the fake bot speaks. */
export interface TwilioReply {
  /** The words of the reply (logged; the audio carries them). */
  transcript: string;
  /**
   * The reply audio, G.711 μ-law 8 kHz, sent byte for byte in `media` frames.
   * @default the server's `speech` option applied to `transcript`
   */
  audio?: Uint8Array;
  /**
   * Milliseconds from the end of the caller's speech (the last voiced frame's arrival) to the
   * first reply frame. The VAD must have decided that speech ended first, so the reply never
   * comes sooner than its `silenceDurationMs` after the speech.
   * @default the server's `thinkTimeMs`
   */
  thinkTimeMs?: number;
  /** A misbehaviour to act out instead of (or in the middle of) this reply. */
  fault?: TwilioFault;
}

/** Picks the reply to a caller's turn. May be async (offline TTS, a recogniser). */
export type TwilioReplyPolicy = (context: TwilioReplyContext) => TwilioReply | Promise<TwilioReply>;

/** Something the fake bot does wrong on purpose, to test how a caller copes. */
export type TwilioFault =
  /** Close the socket after this many `media` frames of the reply (a crash or network loss). */
  | {
      type: "close";
      /** @default 0 */
      afterFrames?: number;
      /** WebSocket close code. @default 1011 */
      code?: number;
      /** Destroy the TCP socket without a close frame. @default false */
      abrupt?: boolean;
    }
  /** Send a frame that is not a Media Streams message after this many `media` frames. */
  | {
      type: "malformed";
      /** @default 0 */
      afterFrames?: number;
      /** The raw text sent. @default "{\"event\": \"media\", \"media\": " (cut JSON) */
      text?: string;
    }
  /** Send this many `media` frames of the reply, then nothing more: no audio, no mark, no close. */
  | {
      type: "silence";
      /** @default 0 (the bot never answers) */
      afterFrames?: number;
    };

/** How a reply ended. */
export type TwilioReplyOutcome =
  | "in_progress"
  /** Every frame sent (and the mark echoed, when one was sent). */
  | "completed"
  /** The caller barged in (spoke or pressed a key over it): the bot sent `clear`. */
  | "cleared"
  /** A `silence` fault: the bot stopped sending and never finished. */
  | "silent"
  /** A `malformed` fault: the bot sent a broken frame and gave up the reply. */
  | "malformed"
  /** The socket closed (a `close` fault, the caller hanging up, or the server closing). */
  | "connection-closed";

/** One frame on the wire, as the fake logged it. */
export interface TwilioFrameRecord {
  /** Which way it went, seen from the bot. */
  direction: "received" | "sent";
  /** 0-based index of the connection. */
  connectionId: number;
  /** When, on the server's clock (milliseconds). */
  atMs: number;
  /** The message's `event` (`"(invalid)"` for frames that were not a Media Streams message). */
  event: string;
  /** The parsed message (for invalid frames: `{ event: "(invalid)", raw }`). */
  message: TwilioMessage;
}

/** One turn of the caller's speech, as the bot's VAD cut it. */
export interface TwilioTurnRecord {
  /** 0-based index over the whole server. */
  index: number;
  /** 0-based index of the connection. */
  connectionId: number;
  /** The caller's audio of the turn, μ-law 8 kHz, byte for byte as received. */
  audio: Uint8Array;
  /** When the first voiced frame arrived, on the server's clock. */
  speechStartedAtMs: number;
  /** When the last voiced frame arrived. */
  speechEndedAtMs: number;
  /** When the VAD decided the speech was over. */
  endpointedAtMs: number;
  /** True when the speech began while the bot was talking (a barge-in). */
  bargeIn: boolean;
  /** The `transcribe` option's result, once known. */
  transcript?: string;
}

/** One reply the bot started. */
export interface TwilioReplyRecord {
  /** 0-based index over the whole server. */
  index: number;
  /** 0-based index of the connection. */
  connectionId: number;
  /** 0-based index on its connection (the policy's `turnIndex`). */
  turnIndex: number;
  /** What started it. */
  trigger: TwilioReplyContext["trigger"];
  /** When the reply was requested (the turn ended), on the server's clock. */
  requestedAtMs: number;
  /** The instant the think time counts from: the end of the caller's speech (or the request). */
  thinkFromMs: number;
  /** When the first `media` frame was sent. */
  firstFrameAtMs?: number;
  /** When the reply ended (last frame, clear, fault or close). */
  endedAtMs?: number;
  /** How it ended. */
  outcome: TwilioReplyOutcome;
  /** The reply's words. */
  transcript?: string;
  /** The reply's whole audio (μ-law 8 kHz), what would have been sent without a clear or fault. */
  audio?: Uint8Array;
  /** Audio bytes actually sent. */
  sentBytes: number;
  /** `media` frames actually sent. */
  frameCount: number;
  /** The name of the mark sent after the reply's audio, if it got that far. */
  markName?: string;
  /** The fault acted out, if any. */
  fault?: TwilioFault;
  /** Why the reply policy or speech source failed, when it did (the reply is then "silent"). */
  error?: string;
}

/** A `clear` the bot sent because the caller spoke over it. */
export interface TwilioClearRecord {
  /** 0-based index of the connection. */
  connectionId: number;
  /** The reply it cut. */
  replyIndex: number;
  /** When, on the server's clock. */
  atMs: number;
  /** Reply frames sent before the clear. */
  framesBeforeClear: number;
}

/** A mark the bot sent, and its echo. */
export interface TwilioMarkRecord {
  /** 0-based index of the connection. */
  connectionId: number;
  /** `mark.name`. */
  name: string;
  /** When the bot sent it. */
  sentAtMs: number;
  /** When the caller echoed it back, if it did. */
  echoedAtMs?: number;
}

/** A `dtmf` message the bot received. */
export interface TwilioDtmfRecord {
  /** 0-based index of the connection. */
  connectionId: number;
  /** `dtmf.digit`. */
  digit: string;
  /** `dtmf.track`. */
  track: unknown;
  /** When it arrived, on the server's clock. */
  atMs: number;
}

/** A connection the fake accepted. */
export interface TwilioConnectionRecord {
  /** 0-based index. */
  id: number;
  /** The request path and query. */
  url: string;
  /** The upgrade request's headers, credentials redacted. */
  headers: Record<string, string>;
  /** The caller's `start` metadata, once it arrived. */
  start?: TwilioStreamStart;
  /** When it opened, on the server's clock. */
  openedAtMs: number;
  /** When the caller's `stop` arrived. */
  stoppedAtMs?: number;
  /** When it closed. */
  closedAtMs?: number;
}

/** A way the caller broke the Media Streams protocol, as the fake saw it. */
export interface TwilioProtocolViolation {
  /** 0-based index of the connection. */
  connectionId: number;
  /** When, on the server's clock. */
  atMs: number;
  /** What was wrong. */
  message: string;
}
