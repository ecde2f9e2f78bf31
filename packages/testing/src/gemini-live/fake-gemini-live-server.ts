import type { IncomingMessage } from "node:http";
import { ConfigurationError } from "@scenario/spec";
import { fliteSpeech, type SpeechToTextProvider, type TextToSpeechProvider } from "@scenario/voice";
import type { EnergyVadOptions } from "../realtime/energy-vad";
import { checkNonNegativeMs } from "../shared/checks";
import {
  createFrameLog,
  type FakeServerWaitOptions,
  type FakeVoiceServerBase,
  listenOnFreePort,
} from "../shared/fake-websocket-server";
import { isCredentialHeader, redactHeaders } from "../shared/redact-headers";
import { CANNED_REPLIES, replyPolicy, speechSynthesizer } from "../shared/reply-source";
import { GeminiLiveConnection, type GeminiLiveServerContext } from "./gemini-live-connection";
import type {
  GeminiLiveConnectionRecord,
  GeminiLiveFault,
  GeminiLiveFrameRecord,
  GeminiLiveInterruptionRecord,
  GeminiLiveReply,
  GeminiLiveReplyContext,
  GeminiLiveReplyPolicy,
  GeminiLiveResponseRecord,
  GeminiLiveTurnRecord,
} from "./gemini-live-types";

/** The Live API's WebSocket path (v1beta). */
export const GEMINI_LIVE_PATH =
  "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";

/** How the fake picks replies: a policy, one fixed transcript, or a list used in turn order (cycling). */
export type GeminiLiveReplySource = GeminiLiveReplyPolicy | string | ReadonlyArray<string | GeminiLiveReply>;

/** Options of `startFakeGeminiLiveServer()`. */
export interface FakeGeminiLiveServerOptions {
  /**
   * Milliseconds from the end of the caller's turn to the first audio. A reply's own `thinkTimeMs`
   * overrides it.
   * @default 0
   */
  thinkTimeMs?: number;
  /**
   * How much faster than real time audio chunks are sent: 1 sends `chunkMs` of audio every
   * `chunkMs` of wall time, `Infinity` as fast as the socket takes them.
   * @default 1
   */
  paceFactor?: number;
  /** Milliseconds of audio per `modelTurn` chunk. @default 40 */
  chunkMs?: number;
  /**
   * Chunks of an interrupted reply still sent after the interruption, before `interrupted`: audio a
   * real server had already put on the wire arrives late, and must not count as the agent speaking.
   * @default 0
   */
  lateAudioChunks?: number;
  /**
   * The replies: a policy function, one transcript for every turn, or a list used in turn order.
   * @default three canned agent lines, cycling
   */
  reply?: GeminiLiveReplySource;
  /**
   * Makes reply audio (PCM16 24 kHz) from a transcript when the reply has none: `"synthetic"`
   * (speech-like tones, instant), `"flite"` (offline TTS, real words), any `TextToSpeechProvider`,
   * or a function.
   * @default "synthetic"
   */
  speech?:
    | "synthetic"
    | "flite"
    | TextToSpeechProvider
    | ((transcript: string) => Uint8Array | Promise<Uint8Array>);
  /**
   * Recognises the caller's turns (PCM16 24 kHz) for the policy's `userTranscript` and, when the
   * setup asks for `inputAudioTranscription`, for `inputTranscription`: a `SpeechToTextProvider`
   * such as `pocketsphinxTranscription()`, or a function.
   * @default none
   */
  transcribe?:
    | SpeechToTextProvider
    | ((pcm24k: Uint8Array) => string | undefined | Promise<string | undefined>);
  /** Settings of the energy-based stand-in for automatic activity detection. */
  vad?: EnergyVadOptions;
  /** The clock behind every `atMs` in the logs, in milliseconds. @default performance.now */
  clock?: () => number;
}

/** Options of `waitFor()`. */
export type GeminiLiveWaitOptions = FakeServerWaitOptions;

/** A running fake Gemini Live API server. */
export interface FakeGeminiLiveServer
  extends FakeVoiceServerBase<GeminiLiveFrameRecord, GeminiLiveReplySource, GeminiLiveFault> {
  /** Where to connect: `ws://127.0.0.1:<port>/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent`. */
  readonly url: string;
  /** Every user turn answered, in order. */
  readonly turns: readonly GeminiLiveTurnRecord[];
  /** Every reply started, in order. */
  readonly responses: readonly GeminiLiveResponseRecord[];
  /** Every interrupted reply. */
  readonly interruptions: readonly GeminiLiveInterruptionRecord[];
  /** Every accepted connection (the API key redacted). */
  readonly connections: readonly GeminiLiveConnectionRecord[];
}

/** The request path and query with every credential-looking parameter redacted. */
function redactUrl(rawUrl: string): { url: string; hasKey: boolean } {
  const url = new URL(rawUrl, "http://127.0.0.1");
  let hasKey = false;
  for (const name of [...url.searchParams.keys()]) {
    if (!/key|token|secret|auth/i.test(name)) continue;
    hasKey = true;
    url.searchParams.set(name, "[redacted]");
  }
  return { url: decodeURIComponent(url.pathname + url.search), hasKey };
}

/**
 * Starts a fake Gemini Live API server (the `BidiGenerateContent` WebSocket protocol) on 127.0.0.1
 * at a free port. It accepts any API key, answers `setup` with `setupComplete`, takes 16 kHz
 * `realtimeInput` audio with manual activity (`activityStart`/`activityEnd`) or an energy-based
 * stand-in for automatic activity detection, speaks canned or policy-chosen replies as paced 24 kHz
 * `modelTurn` audio with output transcription, calls functions and waits for `toolResponse`, stops
 * with `interrupted` (cancelling pending calls), reports `usageMetadata` and resumption handles,
 * acts out faults on request, and logs every frame.
 */
export async function startFakeGeminiLiveServer(
  options: FakeGeminiLiveServerOptions = {},
): Promise<FakeGeminiLiveServer> {
  checkNonNegativeMs("thinkTimeMs", options.thinkTimeMs);
  const paceFactor = options.paceFactor ?? 1;
  if (!(paceFactor > 0)) {
    throw new ConfigurationError(
      `\`paceFactor\` must be > 0 (1 = real time, Infinity = unpaced), got ${String(options.paceFactor)}.`,
    );
  }
  const chunkMs = options.chunkMs ?? 40;
  if (!(Number.isInteger(chunkMs) && chunkMs >= 1)) {
    throw new ConfigurationError(
      `\`chunkMs\` must be a whole number of milliseconds >= 1, got ${String(chunkMs)}.`,
    );
  }
  const lateAudioChunks = options.lateAudioChunks ?? 0;
  if (!(Number.isInteger(lateAudioChunks) && lateAudioChunks >= 0)) {
    throw new ConfigurationError(
      `\`lateAudioChunks\` must be a whole number >= 0, got ${String(lateAudioChunks)}.`,
    );
  }
  const clock = options.clock ?? (() => performance.now());
  const speech = speechSynthesizer(options.speech ?? "synthetic", fliteSpeech);
  const transcriber = options.transcribe;
  let policy = replyPolicy<GeminiLiveReplyContext, GeminiLiveReply>(options.reply ?? CANNED_REPLIES);
  const faults: GeminiLiveFault[] = [];
  const frameLog = createFrameLog<GeminiLiveFrameRecord>("fake Gemini Live server");
  const { received, sent, notify, waitFor } = frameLog;
  const turns: GeminiLiveTurnRecord[] = [];
  const responses: GeminiLiveResponseRecord[] = [];
  const interruptions: GeminiLiveInterruptionRecord[] = [];
  const connections: GeminiLiveConnectionRecord[] = [];
  const handles = new Map<string, number>();

  const context: GeminiLiveServerContext = {
    clock,
    thinkTimeMs: options.thinkTimeMs ?? 0,
    paceFactor,
    chunkMs,
    lateAudioChunks,
    vad: {
      rmsThreshold: options.vad?.rmsThreshold ?? 0.01,
      silenceDurationMs: options.vad?.silenceDurationMs ?? 500,
      minSpeechMs: options.vad?.minSpeechMs ?? 40,
      frameMs: options.vad?.frameMs ?? 20,
    },
    reply: async (replyContext) => policy(replyContext),
    speech,
    ...(transcriber !== undefined && {
      transcribe: async (audio: Uint8Array) =>
        typeof transcriber === "function" ? transcriber(audio) : transcriber.transcribe(audio),
    }),
    takeFault: () => faults.shift(),
    log: frameLog.log,
    changed: notify,
    nextHandle: (turnsAnswered) => {
      const handle = `fake-resumption-handle-${handles.size + 1}`;
      handles.set(handle, turnsAnswered);
      return handle;
    },
    handles,
    turns,
    responses,
    interruptions,
  };

  const server = await listenOnFreePort({
    path: GEMINI_LIVE_PATH,
    clock,
    notify,
    accept: (socket, request: IncomingMessage) => {
      const id = connections.length;
      const { url, hasKey } = redactUrl(request.url ?? GEMINI_LIVE_PATH);
      const record: GeminiLiveConnectionRecord = {
        id,
        url,
        headers: redactHeaders(request.headers, { marker: "[redacted]" }),
        authorized: hasKey || Object.keys(request.headers).some(isCredentialHeader),
        openedAtMs: clock(),
      };
      connections.push(record);
      const connection = new GeminiLiveConnection(id, socket, context, record);
      socket.on("message", (data) => connection.handleFrame(data.toString()));
      return { connection, record };
    },
  });

  return {
    url: server.url,
    port: server.port,
    received,
    sent,
    turns,
    responses,
    interruptions,
    connections,
    setReply(reply) {
      policy = replyPolicy<GeminiLiveReplyContext, GeminiLiveReply>(reply);
    },
    injectFault(fault) {
      faults.push(fault);
    },
    waitFor,
    close: server.close,
  };
}
