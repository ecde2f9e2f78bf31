import { ConfigurationError } from "@scenario/spec";
import { fliteSpeech, type SpeechToTextProvider, type TextToSpeechProvider } from "@scenario/voice";
import { checkNonNegativeMs } from "../shared/checks";
import {
  createFrameLog,
  type FakeServerWaitOptions,
  type FakeVoiceServerBase,
  listenOnFreePort,
} from "../shared/fake-websocket-server";
import { redactHeaders } from "../shared/redact-headers";
import { CANNED_REPLIES, replyPolicy, speechSynthesizer } from "../shared/reply-source";
import { PipecatConnection } from "./pipecat-connection";
import type {
  PipecatConnectionRecord,
  PipecatFault,
  PipecatFrameRecord,
  PipecatInterruptionRecord,
  PipecatReply,
  PipecatReplyContext,
  PipecatReplyPolicy,
  PipecatReplyRecord,
  PipecatServerContext,
  PipecatTurnRecord,
} from "./pipecat-types";
import type { PipecatVadOptions } from "./pipecat-vad";

/** Turns a reply's words into PCM16 24 kHz mono audio. */
export type PipecatSpeechSynthesizer = (transcript: string) => Uint8Array | Promise<Uint8Array>;

/** How the bot picks replies: a policy, one fixed reply for every turn, or a list used in turn order. */
export type PipecatReplySource =
  | PipecatReplyPolicy
  | string
  | PipecatReply
  | ReadonlyArray<string | PipecatReply>;

/** Options of `startFakePipecatServer()`. */
export interface FakePipecatServerOptions {
  /**
   * Milliseconds from the end of the user's turn (its VAD stop, a `send-text`) to the first audio
   * frame: the bot's STT, LLM and TTS latency. A reply's own `thinkTimeMs` overrides it.
   * @default 0
   */
  thinkTimeMs?: number;
  /**
   * How much faster than real time audio frames go out. Pipecat's WebSocket output transport
   * sends each chunk after half its duration (2); 1 is strict real time; `Infinity` unpaced.
   * @default 2
   */
  paceFactor?: number;
  /**
   * Milliseconds of audio per frame (Pipecat: 10 ms x `audio_out_10ms_chunks`, 4 by default).
   * @default 40
   */
  chunkMs?: number;
  /**
   * The sample rate of the bot's audio frames (the pipeline's `audio_out_sample_rate`).
   * @default 24000
   */
  outputSampleRate?: number;
  /**
   * The replies: a policy function, one transcript or reply for every turn, or a list used in turn order
   * (cycling). Transcripts without audio are spoken by `speech`.
   * @default three canned assistant lines, cycling
   */
  reply?: PipecatReplySource;
  /** What the bot says when the client's RTVI `client-ready` arrives, before the user speaks. */
  greeting?: string | PipecatReply;
  /**
   * Makes reply audio from words: `"synthetic"` (speech-like tones, instant), `"flite"` (offline
   * TTS via `fliteSpeech()`: words a recogniser can read), any `TextToSpeechProvider`, or a function.
   * @default "synthetic"
   */
  speech?: "synthetic" | "flite" | TextToSpeechProvider | PipecatSpeechSynthesizer;
  /**
   * Recognises the user's turns (given as PCM16 24 kHz): a `SpeechToTextProvider` such as
   * `pocketsphinxTranscription()`, or a function. Its text is sent back as a TranscriptionFrame and
   * an RTVI `user-transcription`, and reaches the policy as `userTranscript`.
   * @default none
   */
  transcribe?:
    | SpeechToTextProvider
    | ((audio: Uint8Array) => string | undefined | Promise<string | undefined>);
  /** The energy VAD that finds the user's speech (and barge-ins) in the incoming audio. */
  vad?: PipecatVadOptions;
  /**
   * Send RTVI messages (speaking events, transcripts, `bot-ready`), as a bot with an RTVI
   * processor and observer does.
   * @default true
   */
  rtvi?: boolean;
  /**
   * Also send transcripts as protobuf frames: a TranscriptionFrame for what the bot recognised and
   * TextFrames for what it says.
   * @default true
   */
  transcriptFrames?: boolean;
  /**
   * Send an InterruptionFrame whenever the user starts speaking, as a pipeline with interruptions
   * allowed does (whether or not the bot is talking; newer serializers carry it).
   * @default true
   */
  interruptionFrames?: boolean;
  /**
   * The WebSocket path clients connect to.
   * @default "/ws"
   */
  path?: string;
  /**
   * The clock behind every `atMs` in the logs, in milliseconds.
   * @default performance.now
   */
  clock?: () => number;
}

/** Options of `waitFor()`. */
export type PipecatWaitOptions = FakeServerWaitOptions;

/** A running fake Pipecat bot. */
export interface FakePipecatServer
  extends FakeVoiceServerBase<PipecatFrameRecord, PipecatReplySource, PipecatFault> {
  /** Where to connect: `ws://127.0.0.1:<port>/ws`. */
  readonly url: string;
  /** Every user turn the bot heard or read, in order. */
  readonly turns: readonly PipecatTurnRecord[];
  /** Every reply the bot started, in order. */
  readonly replies: readonly PipecatReplyRecord[];
  /** Every reply the user cut off. */
  readonly interruptions: readonly PipecatInterruptionRecord[];
  /** Every accepted connection (credentials redacted). */
  readonly connections: readonly PipecatConnectionRecord[];
}

function checkPositive(name: string, value: number | undefined, minimum: number): void {
  if (value === undefined) return;
  if (!(value >= minimum) || Number.isNaN(value)) {
    throw new ConfigurationError(`\`${name}\` must be a number >= ${minimum}, got ${String(value)}.`);
  }
}

/**
 * Starts a fake Pipecat bot on 127.0.0.1 at a free port: the bot side of Pipecat's WebSocket
 * transport with the protobuf frame serializer, plus the RTVI messages a bot with an RTVI observer
 * sends. It finds the user's speech with an energy VAD, answers after a think time with paced
 * audio frames, stops when talked over, acts out faults on request and logs every frame.
 */
export async function startFakePipecatServer(
  options: FakePipecatServerOptions = {},
): Promise<FakePipecatServer> {
  checkNonNegativeMs("thinkTimeMs", options.thinkTimeMs);
  checkPositive("paceFactor", options.paceFactor, Number.MIN_VALUE);
  checkPositive("chunkMs", options.chunkMs, 1);
  checkPositive("outputSampleRate", options.outputSampleRate, 1000);
  const vad: Required<PipecatVadOptions> = {
    rmsThreshold: options.vad?.rmsThreshold ?? 0.01,
    silenceDurationMs: options.vad?.silenceDurationMs ?? 800,
    minSpeechMs: options.vad?.minSpeechMs ?? 200,
    frameMs: options.vad?.frameMs ?? 20,
  };
  checkNonNegativeMs("vad.silenceDurationMs", vad.silenceDurationMs);
  checkNonNegativeMs("vad.minSpeechMs", vad.minSpeechMs);
  checkPositive("vad.frameMs", vad.frameMs, 1);
  const path = options.path ?? "/ws";
  const clock = options.clock ?? (() => performance.now());
  const speech = speechSynthesizer(options.speech ?? "synthetic", fliteSpeech);
  const transcriber = options.transcribe;
  let policy = replyPolicy<PipecatReplyContext, PipecatReply>(options.reply ?? CANNED_REPLIES);
  const faults: PipecatFault[] = [];
  const frameLog = createFrameLog<PipecatFrameRecord>("fake Pipecat server");
  const { received, sent, notify, waitFor } = frameLog;
  const turns: PipecatTurnRecord[] = [];
  const replies: PipecatReplyRecord[] = [];
  const interruptions: PipecatInterruptionRecord[] = [];
  const connections: PipecatConnectionRecord[] = [];

  const context: PipecatServerContext = {
    clock,
    thinkTimeMs: options.thinkTimeMs ?? 0,
    paceFactor: options.paceFactor ?? 2,
    chunkMs: options.chunkMs ?? 40,
    outputSampleRate: options.outputSampleRate ?? 24_000,
    vad,
    rtvi: options.rtvi ?? true,
    transcriptFrames: options.transcriptFrames ?? true,
    interruptionFrames: options.interruptionFrames ?? true,
    ...(options.greeting !== undefined && {
      greeting: typeof options.greeting === "string" ? { transcript: options.greeting } : options.greeting,
    }),
    reply: async (replyContext) => policy(replyContext),
    speech: async (transcript) => speech(transcript),
    ...(transcriber !== undefined && {
      transcribe: async (audio: Uint8Array) =>
        typeof transcriber === "function" ? transcriber(audio) : transcriber.transcribe(audio),
    }),
    takeFault: () => faults.shift(),
    log: frameLog.log,
    notify,
    turns,
    replies,
    interruptions,
    onClientReady: (connectionId) => {
      const record = connections[connectionId];
      if (record !== undefined) record.clientReadyAtMs ??= clock();
    },
  };

  const server = await listenOnFreePort({
    path,
    clock,
    notify,
    accept: (socket, request) => {
      const id = connections.length;
      const record: PipecatConnectionRecord = {
        id,
        url: request.url ?? path,
        headers: redactHeaders(request.headers, { marker: "[redacted]", keepScheme: true }),
        openedAtMs: clock(),
      };
      connections.push(record);
      const connection = new PipecatConnection(id, socket, context);
      socket.on("message", (data, isBinary) => {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        connection.handleMessage(bytes, isBinary);
      });
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
    interruptions,
    connections,
    setReply(reply) {
      policy = replyPolicy<PipecatReplyContext, PipecatReply>(reply);
    },
    injectFault(fault) {
      faults.push(fault);
    },
    waitFor,
    close: server.close,
  };
}
