import type { PipecatFrame, PipecatFrameKind } from "./pipecat-frame-codec";
import type { PipecatVadOptions } from "./pipecat-vad";

/** An RTVI message as it travels in a message frame's JSON `data`. */
export interface RtviMessage {
  /** Always `"rtvi-ai"` for RTVI messages. */
  label: string;
  /** The message type (`"bot-started-speaking"`, `"user-transcription"`, `"client-ready"`…). */
  type: string;
  /** Set on requests and their responses (`client-ready` / `bot-ready`); events carry none. */
  id?: string;
  /** The message's payload. */
  data?: unknown;
}

/** What the reply policy sees when the bot is about to answer. */
export interface PipecatReplyContext {
  /** What made the bot answer: the user's speech ending, an RTVI `send-text`, or the greeting. */
  trigger: "speech" | "text" | "greeting";
  /**
   * The user's audio of this turn as PCM16 24 kHz mono, converted from the rate it arrived at on
   * first read (empty for text turns and the greeting).
   */
  readonly userAudio: Uint8Array;
  /** The words of the turn: the `transcribe` option's result for speech, the text of a `send-text`. */
  userTranscript?: string;
  /** 0-based index of this reply on its connection. */
  turnIndex: number;
  /** 0-based index of the connection on the server. */
  connectionId: number;
}

/** A reply the fake bot speaks. */
export interface PipecatReply {
  /** The words of the reply: RTVI `bot-llm-text` / `bot-tts-text` and text frames carry them. */
  transcript: string;
  /**
   * The reply audio, PCM16 24 kHz mono; sent at the server's `outputSampleRate`.
   * @default the server's `speech` option applied to `transcript`
   */
  audio?: Uint8Array;
  /**
   * Milliseconds from the end of the user's turn (VAD stop, `send-text`) to the first audio frame.
   * @default the server's `thinkTimeMs`
   */
  thinkTimeMs?: number;
  /**
   * Functions the bot's LLM calls before it speaks, reported as RTVI `llm-function-call-started`,
   * `llm-function-call-in-progress` and `llm-function-call-stopped` messages.
   */
  toolCalls?: PipecatToolCall[];
  /** A misbehaviour to act out instead of (or in the middle of) this reply. */
  fault?: PipecatFault;
}

/** A function call the fake bot reports. */
export interface PipecatToolCall {
  /** The function's name. */
  name: string;
  /** Its arguments. @default {} */
  arguments?: Record<string, unknown>;
  /** What it returned. @default null */
  result?: unknown;
  /** Report it as cancelled (a barge-in cut it) instead of returning `result`. @default false */
  cancelled?: boolean;
}

/** Picks the bot's reply. May be async (offline TTS, a recogniser's result). */
export type PipecatReplyPolicy = (context: PipecatReplyContext) => PipecatReply | Promise<PipecatReply>;

/** Something the fake bot can do wrong on purpose. */
export type PipecatFault =
  /** Close the socket after this many audio frames of the reply (a crash or network loss). */
  | {
      type: "close";
      /** @default 0 */
      afterFrames?: number;
      /** WebSocket close code. @default 1011 */
      code?: number;
      /** Destroy the TCP socket without a close frame. @default false */
      abrupt?: boolean;
    }
  /** Send a binary frame that is not a `pipecat.Frame` after this many audio frames, then go on. */
  | {
      type: "malformed";
      /** @default 0 */
      afterFrames?: number;
    }
  /** Send an RTVI `error` message after this many audio frames; a fatal one ends the reply. */
  | {
      type: "error";
      /** @default 0 */
      afterFrames?: number;
      /** @default "The fake bot's pipeline failed." */
      message?: string;
      /** @default true */
      fatal?: boolean;
    }
  /** Hear the user, then say nothing at all. */
  | { type: "silence" };

/** One frame on the wire, as the fake logged it. */
export interface PipecatFrameRecord {
  /** Which way it went, seen from the server. */
  direction: "received" | "sent";
  /** 0-based index of the connection. */
  connectionId: number;
  /** When, on the server's clock (milliseconds). */
  atMs: number;
  /** The frame's kind, `"(invalid)"` for bytes that were not a `pipecat.Frame`. */
  kind: PipecatFrameKind | "(invalid)";
  /** For message frames holding an RTVI message: its type. */
  rtviType?: string;
  /** The decoded frame (absent for invalid ones). */
  frame?: PipecatFrame;
  /** For message frames: the parsed JSON. */
  message?: unknown;
  /** For invalid frames: why they were rejected. */
  error?: string;
}

/** One user turn the bot heard (speech ended by its VAD) or read (`send-text`). */
export interface PipecatTurnRecord {
  /** 0-based index over the whole server. */
  index: number;
  /** 0-based index of the connection. */
  connectionId: number;
  /** How the turn came. */
  source: "speech" | "text";
  /** The turn's audio, byte for byte as received (empty for text). */
  audio: Uint8Array;
  /** The sample rate the audio arrived at. */
  sampleRate: number;
  /** When the bot decided the turn was over, on the server's clock. */
  endedAtMs: number;
  /** The recogniser's result, or the text of a `send-text`, once known. */
  transcript?: string;
}

/** How a reply ended. */
export type PipecatReplyOutcome =
  | "in_progress"
  | "completed"
  | "interrupted"
  | "silent"
  | "failed"
  | "connection-closed";

/** One reply the bot started. */
export interface PipecatReplyRecord {
  /** 0-based index over the whole server. */
  index: number;
  /** 0-based index of the connection. */
  connectionId: number;
  /** 0-based index of the reply on its connection (the policy's `turnIndex`). */
  turnIndex: number;
  /** What made the bot answer. */
  trigger: "speech" | "text" | "greeting";
  /** When the reply was due (end of the user's turn), on the server's clock. */
  requestedAtMs: number;
  /** When the first audio frame was sent. */
  firstAudioAtMs?: number;
  /** When it ended. */
  endedAtMs?: number;
  /** How it ended. */
  outcome: PipecatReplyOutcome;
  /** The reply's words. */
  transcript?: string;
  /** The reply's whole audio at the output rate (what would have gone out without a cut). */
  audio?: Uint8Array;
  /** The sample rate of `audio`. */
  sampleRate?: number;
  /** Audio bytes actually sent. */
  sentAudioBytes: number;
  /** Audio frames actually sent. */
  frameCount: number;
  /** The fault acted out, if any. */
  fault?: PipecatFault;
}

/** A reply the user talked over. */
export interface PipecatInterruptionRecord {
  /** 0-based index of the connection. */
  connectionId: number;
  /** The interrupted reply's index (over the whole server). */
  replyIndex: number;
  /** When the bot's VAD (or a `send-text`) heard the user, on the server's clock. */
  atMs: number;
  /** Audio frames of the reply sent before it stopped. */
  framesBeforeInterrupt: number;
  /** What cut it. */
  cause: "speech" | "text";
}

/** A connection the fake accepted. */
export interface PipecatConnectionRecord {
  /** 0-based index. */
  id: number;
  /** The request path and query. */
  url: string;
  /** The upgrade request's headers, credential headers redacted. */
  headers: Record<string, string>;
  /** When it opened, on the server's clock. */
  openedAtMs: number;
  /** When the client's RTVI `client-ready` arrived. */
  clientReadyAtMs?: number;
  /** When it closed. */
  closedAtMs?: number;
}

/** What every connection shares with its server: settings, the reply policy and the logs (internal). */
export interface PipecatServerContext {
  clock: () => number;
  thinkTimeMs: number;
  paceFactor: number;
  chunkMs: number;
  outputSampleRate: number;
  vad: Required<PipecatVadOptions>;
  rtvi: boolean;
  transcriptFrames: boolean;
  interruptionFrames: boolean;
  greeting?: PipecatReply;
  reply(context: PipecatReplyContext): Promise<PipecatReply>;
  speech(transcript: string): Promise<Uint8Array>;
  transcribe?: (audio: Uint8Array) => Promise<string | undefined>;
  takeFault(): PipecatFault | undefined;
  log(record: PipecatFrameRecord): void;
  /** Re-runs pending `waitFor()` checks after a change no frame shows (a reply's end). */
  notify(): void;
  turns: PipecatTurnRecord[];
  replies: PipecatReplyRecord[];
  interruptions: PipecatInterruptionRecord[];
  onClientReady(connectionId: number): void;
}
