import type { IncomingMessage } from "node:http";
import { ConfigurationError } from "@scenario/spec";
import { fliteSpeech, type SpeechToTextProvider, type TextToSpeechProvider } from "@scenario/voice";
import { checkNonNegativeMs } from "../shared/checks";
import {
  createFrameLog,
  type FakeServerWaitOptions,
  type FakeVoiceServerBase,
  listenOnFreePort,
} from "../shared/fake-websocket-server";
import { isCredentialHeader, redactHeaders } from "../shared/redact-headers";
import { CANNED_REPLIES, replyPolicy, speechSynthesizer } from "../shared/reply-source";
import type { EnergyVadOptions } from "./energy-vad";
import { RealtimeConnection, type RealtimeServerContext } from "./realtime-connection";
import type {
  RealtimeCancelRecord,
  RealtimeConnectionRecord,
  RealtimeFault,
  RealtimeFrameRecord,
  RealtimeReply,
  RealtimeReplyContext,
  RealtimeReplyPolicy,
  RealtimeResponseRecord,
  RealtimeTruncateRecord,
  RealtimeTurnRecord,
} from "./realtime-types";

/** Turns a reply's transcript into PCM16 24 kHz mono audio. */
export type RealtimeSpeechSynthesizer = (transcript: string) => Uint8Array | Promise<Uint8Array>;

/** How the fake picks replies: a policy, one fixed transcript, or a list used in turn order. */
export type RealtimeReplySource = RealtimeReplyPolicy | string | ReadonlyArray<string | RealtimeReply>;

/** Options of `startFakeRealtimeServer()`. */
export interface FakeRealtimeServerOptions {
  /**
   * Milliseconds from `response.create` (or VAD end of speech) to the first output item and audio.
   * A reply's own `thinkTimeMs` overrides it.
   * @default 0
   */
  thinkTimeMs?: number;
  /**
   * How much faster than real time audio deltas are sent: 1 sends `chunkMs` of audio every
   * `chunkMs` of wall time, 10 ten times as fast, `Infinity` as fast as the socket takes them.
   * @default 1
   */
  paceFactor?: number;
  /**
   * Milliseconds of audio in each `response.output_audio.delta`.
   * @default 100
   */
  chunkMs?: number;
  /**
   * The replies: a policy function, one transcript for every turn, or a list used in turn order
   * (cycling). Transcripts without audio are spoken by `speech`.
   * @default three canned assistant lines, cycling
   */
  reply?: RealtimeReplySource;
  /**
   * Makes reply audio from a transcript when the reply has none: `"synthetic"` (deterministic
   * speech-like tones, instant), `"flite"` (offline TTS via `fliteSpeech()` of `@scenario/voice`:
   * real words a recogniser can read, ~30-140 ms a line), any `TextToSpeechProvider`, or a function.
   * @default "synthetic"
   */
  speech?: "synthetic" | "flite" | TextToSpeechProvider | RealtimeSpeechSynthesizer;
  /**
   * Transcribes committed user audio, for the policy's `userTranscript` and for
   * `conversation.item.input_audio_transcription.completed` when the session asks for transcription:
   * a `SpeechToTextProvider` (such as `pocketsphinxTranscription()` of `@scenario/voice`) or a function.
   * @default none (no transcripts of user audio)
   */
  transcribe?:
    | SpeechToTextProvider
    | ((audio: Uint8Array) => string | undefined | Promise<string | undefined>);
  /**
   * The turn detection a new session starts with. The real API starts with server VAD on.
   * @default "server_vad"
   */
  turnDetection?: "server_vad" | null;
  /** Settings of the energy-based stand-in for server VAD. */
  vad?: EnergyVadOptions;
  /**
   * The session's model when the URL has no `?model=`.
   * @default "gpt-realtime"
   */
  model?: string;
  /**
   * The WebSocket path clients connect to.
   * @default "/v1/realtime"
   */
  path?: string;
  /**
   * The clock behind every `atMs` in the logs, in milliseconds.
   * @default performance.now
   */
  clock?: () => number;
}

/** Options of `waitFor()` and `waitForFrame()`. */
export type RealtimeWaitOptions = FakeServerWaitOptions;

/** A running fake OpenAI Realtime server. */
export interface FakeRealtimeServer
  extends FakeVoiceServerBase<RealtimeFrameRecord, RealtimeReplySource, RealtimeFault> {
  /** Where to connect: `ws://127.0.0.1:<port>/v1/realtime`. */
  readonly url: string;
  /** Every committed user turn (manual or VAD), in order; `turns[i].audio` is that turn's appended audio. */
  readonly turns: readonly RealtimeTurnRecord[];
  /** Every response started, in order. */
  readonly responses: readonly RealtimeResponseRecord[];
  /** Every cancelled response (client cancels and VAD barge-ins). */
  readonly cancels: readonly RealtimeCancelRecord[];
  /** Every accepted `conversation.item.truncate`. */
  readonly truncates: readonly RealtimeTruncateRecord[];
  /** Every accepted connection (credentials redacted). */
  readonly connections: readonly RealtimeConnectionRecord[];
  /** How many `response.create` events arrived (including refused ones). */
  readonly responseCreateCount: number;
  /** How many user audio commits happened (manual or VAD). */
  readonly commitCount: number;
  /** Resolves with the `count`-th (1-based) frame of this type sent (or received) by the server. */
  waitForFrame(
    type: string,
    options?: RealtimeWaitOptions & { direction?: "sent" | "received"; count?: number },
  ): Promise<RealtimeFrameRecord>;
}

const SECRET_QUERY_PARAMETER = /key|token|secret|auth|password/i;
const KEY_SUBPROTOCOL_PREFIX = "openai-insecure-api-key.";

function redactConnectionHeaders(request: IncomingMessage): {
  headers: Record<string, string>;
  authorized: boolean;
} {
  const headers = redactHeaders(request.headers, { marker: "[redacted]", keepScheme: true });
  let authorized = Object.keys(request.headers).some(isCredentialHeader);
  const protocols = headers["sec-websocket-protocol"];
  if (protocols !== undefined) {
    headers["sec-websocket-protocol"] = protocols
      .split(",")
      .map((protocol) => protocol.trim())
      .map((protocol) => {
        if (!protocol.startsWith(KEY_SUBPROTOCOL_PREFIX)) return protocol;
        authorized = true;
        return `${KEY_SUBPROTOCOL_PREFIX}[redacted]`;
      })
      .join(", ");
  }
  return { headers, authorized };
}

function redactUrl(rawUrl: string): string {
  const url = new URL(rawUrl, "http://127.0.0.1");
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_QUERY_PARAMETER.test(name)) url.searchParams.set(name, "[redacted]");
  }
  return decodeURIComponent(url.pathname + url.search);
}

/**
 * Starts a fake OpenAI Realtime API server (GA event names) on 127.0.0.1 at a free port. It accepts
 * any credentials, speaks canned or policy-chosen replies as paced PCM16 24 kHz audio deltas, stands
 * in for server VAD with an energy detector, acts out faults on request, and logs every frame.
 */
export async function startFakeRealtimeServer(
  options: FakeRealtimeServerOptions = {},
): Promise<FakeRealtimeServer> {
  checkNonNegativeMs("thinkTimeMs", options.thinkTimeMs);
  const paceFactor = options.paceFactor ?? 1;
  if (!(paceFactor > 0)) {
    throw new ConfigurationError(
      `\`paceFactor\` must be > 0 (1 = real time, Infinity = unpaced), got ${String(options.paceFactor)}.`,
    );
  }
  const chunkMs = options.chunkMs ?? 100;
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
  checkNonNegativeMs("vad.silenceDurationMs", vad.silenceDurationMs);
  checkNonNegativeMs("vad.minSpeechMs", vad.minSpeechMs);
  if (!(Number.isInteger(vad.frameMs) && vad.frameMs >= 1)) {
    throw new ConfigurationError(
      `\`vad.frameMs\` must be a whole number of milliseconds >= 1, got ${vad.frameMs}.`,
    );
  }
  const path = options.path ?? "/v1/realtime";
  const clock = options.clock ?? (() => performance.now());
  const speech = speechSynthesizer(options.speech ?? "synthetic", fliteSpeech);
  const transcriber = options.transcribe;
  let policy = replyPolicy<RealtimeReplyContext, RealtimeReply>(options.reply ?? CANNED_REPLIES);
  const faults: RealtimeFault[] = [];
  const frameLog = createFrameLog<RealtimeFrameRecord>("fake realtime server");
  const { received, sent, notify, waitFor } = frameLog;
  const turns: RealtimeTurnRecord[] = [];
  const responses: RealtimeResponseRecord[] = [];
  const cancels: RealtimeCancelRecord[] = [];
  const truncates: RealtimeTruncateRecord[] = [];
  const connections: RealtimeConnectionRecord[] = [];
  let responseCreateCount = 0;
  let idCounter = 0;

  const context: RealtimeServerContext = {
    clock,
    thinkTimeMs: options.thinkTimeMs ?? 0,
    paceFactor,
    chunkMs,
    model: options.model ?? "gpt-realtime",
    turnDetection: options.turnDetection === undefined ? "server_vad" : options.turnDetection,
    vad,
    reply: async (replyContext) => policy(replyContext),
    speech: async (transcript) => speech(transcript),
    transcribe:
      transcriber === undefined
        ? undefined
        : typeof transcriber === "function"
          ? transcriber
          : (audio) => transcriber.transcribe(audio),
    takeFault: () => faults.shift(),
    log: frameLog.log,
    nextId: (prefix) => `${prefix}_fake${String(++idCounter).padStart(6, "0")}`,
    turns,
    responses,
    cancels,
    truncates,
    countResponseCreate: () => {
      responseCreateCount++;
    },
  };

  const server = await listenOnFreePort({
    path,
    clock,
    notify,
    // Browsers pass the key as a subprotocol; answer with the plain one so the handshake succeeds.
    handleProtocols: (protocols) => (protocols.has("realtime") ? "realtime" : ([...protocols][0] ?? false)),
    accept: (socket, request) => {
      const id = connections.length;
      const { headers, authorized } = redactConnectionHeaders(request);
      const requestUrl = new URL(request.url ?? path, "http://127.0.0.1");
      const record: RealtimeConnectionRecord = {
        id,
        url: redactUrl(request.url ?? path),
        headers,
        authorized,
        openedAtMs: clock(),
      };
      connections.push(record);
      const connection = new RealtimeConnection(
        id,
        socket,
        context,
        requestUrl.searchParams.get("model") ?? context.model,
      );
      socket.on("message", (data, isBinary) => {
        if (isBinary) connection.handleBinary();
        else connection.handleFrame(data.toString());
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
    responses,
    cancels,
    truncates,
    connections,
    get responseCreateCount() {
      return responseCreateCount;
    },
    get commitCount() {
      return turns.length;
    },
    setReply(reply) {
      policy = replyPolicy<RealtimeReplyContext, RealtimeReply>(reply);
    },
    injectFault(fault) {
      faults.push(fault);
    },
    waitFor,
    waitForFrame(type, frameOptions = {}) {
      const frames = frameOptions.direction === "received" ? received : sent;
      const count = frameOptions.count ?? 1;
      return waitFor(() => frames.filter((frame) => frame.type === type)[count - 1], frameOptions).catch(
        (error: unknown) => {
          throw new Error(
            `No ${count === 1 ? "" : `#${count} `}'${type}' frame was ${frameOptions.direction ?? "sent"} within ${frameOptions.timeoutMs ?? 5000} ms.`,
            { cause: error },
          );
        },
      );
    },
    close: server.close,
  };
}
