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
import { redactHeaders } from "../shared/redact-headers";
import { CANNED_REPLIES, replyPolicy, speechSynthesizer } from "../shared/reply-source";
import { VoiceWebSocketConnection, type VoiceWebSocketServerContext } from "./voice-websocket-connection";
import type {
  VoiceWebSocketCapabilities,
  VoiceWebSocketConnectionRecord,
  VoiceWebSocketFault,
  VoiceWebSocketFrameRecord,
  VoiceWebSocketInterruptRecord,
  VoiceWebSocketReply,
  VoiceWebSocketReplyContext,
  VoiceWebSocketReplyPolicy,
  VoiceWebSocketResponseRecord,
  VoiceWebSocketTurnRecord,
} from "./voice-websocket-types";

/** How the fake picks replies: a policy, one fixed transcript, or a list used in turn order (cycling). */
export type VoiceWebSocketReplySource =
  | VoiceWebSocketReplyPolicy
  | string
  | ReadonlyArray<string | VoiceWebSocketReply>;

/** Options of `startFakeVoiceWebSocketServer()`. */
export interface FakeVoiceWebSocketServerOptions {
  /**
   * Milliseconds from the end of the caller's turn (`input.end` or the VAD) to the
   * first audio frame. A reply's own `thinkTimeMs` overrides it.
   * @default 0
   */
  thinkTimeMs?: number;
  /**
   * How much faster than real time audio frames are sent: 1 sends `chunkMs` of audio every
   * `chunkMs` of wall time, `Infinity` as fast as the socket takes them.
   * @default 1
   */
  paceFactor?: number;
  /**
   * Milliseconds of audio per binary frame.
   * @default 20
   */
  chunkMs?: number;
  /**
   * The replies: a policy function, one transcript for every turn, or a list used in turn order.
   * @default three canned agent lines, cycling
   */
  reply?: VoiceWebSocketReplySource;
  /**
   * Makes reply audio (PCM16 24 kHz, converted to the session's output format) from a transcript
   * when the reply has none: `"synthetic"` (speech-like tones, instant), `"flite"` (offline TTS,
   * real words), any `TextToSpeechProvider`, or a function.
   * @default "synthetic"
   */
  speech?:
    | "synthetic"
    | "flite"
    | TextToSpeechProvider
    | ((transcript: string) => Uint8Array | Promise<Uint8Array>);
  /**
   * Recognises the caller's turns (PCM16 24 kHz) for the policy's `userTranscript` and for
   * `transcript` messages (speaker "user"): a `SpeechToTextProvider` such as
   * `pocketsphinxTranscription()`, or a function.
   * @default none
   */
  transcribe?:
    | SpeechToTextProvider
    | ((pcm24k: Uint8Array) => string | undefined | Promise<string | undefined>);
  /**
   * What the fake declares in `session.started` (and honours: messages for a capability it lacks
   * are refused with `unsupported`).
   * @default everything: server VAD, both transcripts (user ones need `transcribe`), tool calls, DTMF, text input
   */
  capabilities?: Partial<VoiceWebSocketCapabilities>;
  /**
   * The protocol versions the fake speaks.
   * @default [1]
   */
  versions?: number[];
  /**
   * Whether the fake stops its reply when its VAD hears the caller speak over it (and says so with
   * `response.done` status "interrupted", reason "user_speech").
   * @default true
   */
  bargeIn?: boolean;
  /** Settings of the energy VAD that reports the caller's speech (and ends turns with server VAD). */
  vad?: EnergyVadOptions;
  /**
   * The WebSocket path clients connect to.
   * @default "/"
   */
  path?: string;
  /**
   * The clock behind every `atMs` in the logs, in milliseconds.
   * @default performance.now
   */
  clock?: () => number;
}

/** Options of `waitFor()`. */
export type VoiceWebSocketWaitOptions = FakeServerWaitOptions;

/** A running fake voice agent speaking the Scenario voice protocol. */
export interface FakeVoiceWebSocketServer
  extends FakeVoiceServerBase<VoiceWebSocketFrameRecord, VoiceWebSocketReplySource, VoiceWebSocketFault> {
  /** Where to connect: `ws://127.0.0.1:<port>/`. */
  readonly url: string;
  /** Every accepted connection (credentials redacted), with its handshake. */
  readonly connections: readonly VoiceWebSocketConnectionRecord[];
  /** Every caller turn, in order; `turns[i].audio` is its audio byte for byte. */
  readonly turns: readonly VoiceWebSocketTurnRecord[];
  /** Every reply started, in order. */
  readonly responses: readonly VoiceWebSocketResponseRecord[];
  /** Every interrupt (the client's, and the fake's own barge-ins). */
  readonly interrupts: readonly VoiceWebSocketInterruptRecord[];
  /** Every DTMF message. */
  readonly dtmf: ReadonlyArray<{ connectionId: number; digits: string; atMs: number }>;
}

/**
 * Starts a fake voice agent on 127.0.0.1 at a free port that speaks the Scenario voice protocol
 * (the README of `@scenario/voice-websocket`): version negotiation, formats (PCM16 at any rate,
 * mu-law 8 kHz), think time, replies paced in real time with transcripts, an energy VAD on the
 * caller's audio (speech events, barge-in, optional server turn detection), DTMF and text input,
 * tool call reports, faults on request, and a log of every frame.
 */
export async function startFakeVoiceWebSocketServer(
  options: FakeVoiceWebSocketServerOptions = {},
): Promise<FakeVoiceWebSocketServer> {
  checkNonNegativeMs("thinkTimeMs", options.thinkTimeMs);
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
  const vad: Required<EnergyVadOptions> = {
    rmsThreshold: options.vad?.rmsThreshold ?? 0.01,
    silenceDurationMs: options.vad?.silenceDurationMs ?? 500,
    minSpeechMs: options.vad?.minSpeechMs ?? 40,
    frameMs: options.vad?.frameMs ?? 20,
  };
  const path = options.path ?? "/";
  const clock = options.clock ?? (() => performance.now());
  const speech = speechSynthesizer(options.speech ?? "synthetic", fliteSpeech);
  const transcriber = options.transcribe;
  const capabilities: VoiceWebSocketCapabilities = {
    serverVad: true,
    agentTranscripts: true,
    userTranscripts: true,
    toolCalls: true,
    dtmf: true,
    textInput: true,
    ...options.capabilities,
  };
  let policy = replyPolicy<VoiceWebSocketReplyContext, VoiceWebSocketReply>(options.reply ?? CANNED_REPLIES);
  const faults: VoiceWebSocketFault[] = [];
  const frameLog = createFrameLog<VoiceWebSocketFrameRecord>("fake voice WebSocket server");
  const { received, sent, notify, waitFor } = frameLog;
  const connections: VoiceWebSocketConnectionRecord[] = [];

  const context: VoiceWebSocketServerContext = {
    clock,
    thinkTimeMs: options.thinkTimeMs ?? 0,
    paceFactor,
    chunkMs,
    versions: options.versions ?? [1],
    capabilities,
    bargeIn: options.bargeIn ?? true,
    vad,
    reply: async (replyContext) => policy(replyContext),
    speech,
    ...(transcriber !== undefined && {
      transcribe: async (pcm24k: Uint8Array) =>
        typeof transcriber === "function" ? transcriber(pcm24k) : transcriber.transcribe(pcm24k),
    }),
    takeFault: () => faults.shift(),
    log: frameLog.log,
    changed: notify,
    turns: [],
    responses: [],
    interrupts: [],
    dtmf: [],
  };

  const server = await listenOnFreePort({
    path,
    clock,
    notify,
    accept: (socket, request) => {
      const record: VoiceWebSocketConnectionRecord = {
        id: connections.length,
        url: request.url ?? path,
        headers: redactHeaders(request.headers, { marker: "[redacted]", keepScheme: true }),
        openedAtMs: clock(),
      };
      connections.push(record);
      const connection = new VoiceWebSocketConnection(record.id, socket, context, record);
      socket.on("message", (data, isBinary) => {
        const bytes = Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.isBuffer(data)
            ? data
            : Buffer.from(data);
        if (isBinary)
          connection.handleBinary(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        else connection.handleText(bytes.toString());
      });
      return { connection, record };
    },
  });

  return {
    url: server.url,
    port: server.port,
    received,
    sent,
    connections,
    turns: context.turns,
    responses: context.responses,
    interrupts: context.interrupts,
    dtmf: context.dtmf,
    setReply(reply) {
      policy = replyPolicy<VoiceWebSocketReplyContext, VoiceWebSocketReply>(reply);
    },
    injectFault(fault) {
      faults.push(fault);
    },
    waitFor,
    close: server.close,
  };
}
