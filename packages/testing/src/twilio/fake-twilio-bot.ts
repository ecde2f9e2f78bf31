import { ConfigurationError } from "@scenario/spec";
import {
  decodeAudio,
  encodeAudio,
  fliteSpeech,
  type SpeechToTextProvider,
  type TextToSpeechProvider,
} from "@scenario/voice";
import { checkNonNegativeMs } from "../shared/checks";
import {
  createFrameLog,
  type FakeServerWaitOptions,
  type FakeVoiceServerBase,
  listenOnFreePort,
} from "../shared/fake-websocket-server";
import { redactHeaders } from "../shared/redact-headers";
import { replyPolicy, speechSynthesizer } from "../shared/reply-source";
import type { TwilioVadOptions } from "./caller-vad";
import { syntheticMulaw } from "./mulaw";
import { TwilioBotConnection } from "./twilio-bot-connection";
import type { TwilioServerContext } from "./twilio-server-context";
import type {
  TwilioClearRecord,
  TwilioConnectionRecord,
  TwilioDtmfRecord,
  TwilioFault,
  TwilioFrameRecord,
  TwilioMarkRecord,
  TwilioProtocolViolation,
  TwilioReply,
  TwilioReplyContext,
  TwilioReplyPolicy,
  TwilioReplyRecord,
  TwilioTurnRecord,
} from "./twilio-types";

/** Turns a reply's words into PCM16 24 kHz mono audio (the bot encodes it to μ-law 8 kHz). */
export type TwilioSpeechSynthesizer = (transcript: string) => Uint8Array | Promise<Uint8Array>;

/** How the fake bot picks replies: a policy, one fixed reply, or a list used in turn order. */
export type TwilioReplySource =
  | TwilioReplyPolicy
  | string
  | TwilioReply
  | ReadonlyArray<string | TwilioReply>;

/** Options of `startFakeTwilioBot()`. */
export interface FakeTwilioBotOptions {
  /**
   * Milliseconds from the end of the caller's speech to the bot's first reply frame (from the
   * turn's end for DTMF and greetings). Never sooner than the VAD's `silenceDurationMs`. A reply's
   * own `thinkTimeMs` overrides it.
   * @default 0
   */
  thinkTimeMs?: number;
  /**
   * How much faster than real time reply frames are sent: 1 sends `chunkMs` of audio every
   * `chunkMs`, `Infinity` as fast as the socket takes them (as bots that dump TTS output do).
   * @default 1
   */
  paceFactor?: number;
  /**
   * Milliseconds of audio in each `media` frame the bot sends.
   * @default 20
   */
  chunkMs?: number;
  /**
   * The replies: a policy, one transcript (or reply) for every turn, or a list used in turn order
   * (cycling).
   * Transcripts without audio are spoken by `speech`.
   * @default three canned lines, cycling
   */
  reply?: TwilioReplySource;
  /** Something the bot says as soon as the stream starts, before the caller speaks. */
  greeting?: string | TwilioReply;
  /**
   * Makes reply audio from a transcript when the reply has none: `"synthetic"` (speech-like tones,
   * instant), `"flite"` (offline TTS: real words), a `TextToSpeechProvider`, or a function giving
   * PCM16 24 kHz. The bot encodes it to μ-law 8 kHz.
   * @default "synthetic"
   */
  speech?: "synthetic" | "flite" | TextToSpeechProvider | TwilioSpeechSynthesizer;
  /**
   * Recognises the caller's turns, for the policy's `callerTranscript`: a `SpeechToTextProvider`
   * (such as `pocketsphinxTranscription({ phrases })`, given the turn as PCM16 24 kHz) or a
   * function given the turn's μ-law 8 kHz bytes.
   * @default none
   */
  transcribe?:
    | SpeechToTextProvider
    | ((mulaw: Uint8Array) => string | undefined | Promise<string | undefined>);
  /** Settings of the energy VAD that finds the caller's speech. */
  vad?: TwilioVadOptions;
  /**
   * Send `clear` when the caller speaks (or presses a key) while the bot is talking.
   * @default true
   */
  bargeIn?: boolean;
  /**
   * Send a `mark` after each reply's audio, and count the bot as talking until it is echoed.
   * @default true
   */
  marks?: boolean;
  /**
   * Milliseconds after the last DTMF digit before the digits count as a turn (`#` ends one at once).
   * @default 1500
   */
  dtmfTimeoutMs?: number;
  /**
   * The WebSocket path callers connect to.
   * @default "/media-stream"
   */
  path?: string;
  /**
   * The clock behind every `atMs` in the logs, in milliseconds.
   * @default performance.now
   */
  clock?: () => number;
}

/** Options of `waitFor()`. */
export type TwilioWaitOptions = FakeServerWaitOptions;

/** A running fake Twilio Media Streams bot. */
export interface FakeTwilioBot
  extends FakeVoiceServerBase<TwilioFrameRecord, TwilioReplySource, TwilioFault> {
  /** Where to connect: `ws://127.0.0.1:<port>/media-stream`. */
  readonly url: string;
  /** Every caller turn the VAD cut, in order. */
  readonly turns: readonly TwilioTurnRecord[];
  /** Every reply started, in order. */
  readonly replies: readonly TwilioReplyRecord[];
  /** Every `clear` the bot sent on a barge-in. */
  readonly clears: readonly TwilioClearRecord[];
  /** Every `mark` the bot sent, with its echo time. */
  readonly marks: readonly TwilioMarkRecord[];
  /** Every `dtmf` message received. */
  readonly dtmf: readonly TwilioDtmfRecord[];
  /** Every connection accepted (credentials redacted), with the caller's `start` metadata. */
  readonly connections: readonly TwilioConnectionRecord[];
  /** Every way a caller broke the protocol (order, sequence numbers, fields); empty for a good caller. */
  readonly violations: readonly TwilioProtocolViolation[];
}

const CANNED_REPLIES = [
  "Thanks for calling. How can I help you today?",
  "Sure, I can help with that. Could you tell me a little more?",
  "Thanks, that makes sense. Is there anything else you need?",
];

/** Makes a reply's μ-law audio from its words. */
type MulawSynthesizer = (transcript: string) => Promise<Uint8Array>;

function toSynthesizer(speech: NonNullable<FakeTwilioBotOptions["speech"]>): MulawSynthesizer {
  if (speech === "synthetic") return async (transcript) => syntheticMulaw(transcript);
  const pcm = speechSynthesizer(speech, fliteSpeech);
  return async (transcript) => encodeAudio(await pcm(transcript), "mulaw-8khz");
}

function toTranscriber(
  transcribe: FakeTwilioBotOptions["transcribe"],
): ((mulaw: Uint8Array) => Promise<string | undefined>) | undefined {
  if (transcribe === undefined) return undefined;
  if (typeof transcribe === "function") return async (mulaw) => transcribe(mulaw);
  return (mulaw) => transcribe.transcribe(decodeAudio(mulaw, "mulaw-8khz"));
}

/**
 * Starts a fake phone bot on 127.0.0.1 at a free port that speaks the bot's side of Twilio's
 * bidirectional Media Streams: it takes `connected`, `start`, `media`, `dtmf`, `mark` and `stop`
 * from the caller, finds the caller's turns with an energy VAD, answers after a think time with
 * paced μ-law `media` frames and a `mark`, sends `clear` when the caller talks over it, acts out
 * faults, logs every frame both ways and records every way the caller breaks the protocol.
 */
export async function startFakeTwilioBot(options: FakeTwilioBotOptions = {}): Promise<FakeTwilioBot> {
  checkNonNegativeMs("thinkTimeMs", options.thinkTimeMs);
  checkNonNegativeMs("dtmfTimeoutMs", options.dtmfTimeoutMs);
  const paceFactor = options.paceFactor ?? 1;
  if (!(paceFactor > 0)) {
    throw new ConfigurationError(
      `\`paceFactor\` must be > 0 (1 = real time, Infinity = unpaced), got ${String(options.paceFactor)}.`,
    );
  }
  const chunkMs = options.chunkMs ?? 20;
  if (!(Number.isFinite(chunkMs) && chunkMs >= 1)) {
    throw new ConfigurationError(
      `\`chunkMs\` must be a number of milliseconds >= 1, got ${String(options.chunkMs)}.`,
    );
  }
  const vad: Required<TwilioVadOptions> = {
    rmsThreshold: options.vad?.rmsThreshold ?? 0.01,
    silenceDurationMs: options.vad?.silenceDurationMs ?? 500,
    minSpeechMs: options.vad?.minSpeechMs ?? 40,
  };
  checkNonNegativeMs("vad.silenceDurationMs", vad.silenceDurationMs);
  checkNonNegativeMs("vad.minSpeechMs", vad.minSpeechMs);
  const path = options.path ?? "/media-stream";
  const clock = options.clock ?? (() => performance.now());
  const synthesize = toSynthesizer(options.speech ?? "synthetic");
  let policy = replyPolicy<TwilioReplyContext, TwilioReply>(options.reply ?? CANNED_REPLIES);
  const greeting = typeof options.greeting === "string" ? { transcript: options.greeting } : options.greeting;
  const faults: TwilioFault[] = [];
  const frameLog = createFrameLog<TwilioFrameRecord>("fake Twilio bot");
  const { received, sent, notify, waitFor } = frameLog;
  const turns: TwilioTurnRecord[] = [];
  const replies: TwilioReplyRecord[] = [];
  const clears: TwilioClearRecord[] = [];
  const marks: TwilioMarkRecord[] = [];
  const dtmf: TwilioDtmfRecord[] = [];
  const connections: TwilioConnectionRecord[] = [];
  const violations: TwilioProtocolViolation[] = [];

  const context: TwilioServerContext = {
    clock,
    thinkTimeMs: options.thinkTimeMs ?? 0,
    paceFactor,
    chunkMs,
    bargeIn: options.bargeIn ?? true,
    sendMarks: options.marks ?? true,
    greeting,
    dtmfTimeoutMs: options.dtmfTimeoutMs ?? 1500,
    vad,
    reply: async (replyContext) => policy(replyContext),
    speech: synthesize,
    transcribe: toTranscriber(options.transcribe),
    takeFault: () => faults.shift(),
    changed: notify,
    log: frameLog.log,
    violation: (connectionId, message) => {
      violations.push({ connectionId, atMs: clock(), message });
    },
    turns,
    replies,
    clears,
    marks,
    dtmf,
  };

  const server = await listenOnFreePort({
    path,
    clock,
    notify,
    accept: (socket, request) => {
      const record: TwilioConnectionRecord = {
        id: connections.length,
        url: request.url ?? path,
        headers: redactHeaders(request.headers, { marker: "[redacted]", keepScheme: true }),
        openedAtMs: clock(),
      };
      connections.push(record);
      const connection = new TwilioBotConnection(record.id, socket, context, record);
      socket.on("message", (data, isBinary) => {
        if (isBinary) connection.handleBinary();
        else connection.handleText(data.toString());
        // Handling may have changed the records a waitFor() looks at (a start, a mark echo).
        notify();
      });
      notify();
      return { connection, record };
    },
  });

  return {
    url: server.url,
    port: server.port,
    received,
    sent,
    turns,
    replies,
    clears,
    marks,
    dtmf,
    connections,
    violations,
    setReply(reply) {
      policy = replyPolicy<TwilioReplyContext, TwilioReply>(reply);
    },
    injectFault(fault) {
      faults.push(fault);
    },
    waitFor,
    close: server.close,
  };
}
