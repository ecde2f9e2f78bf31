import { randomBytes, randomUUID } from "node:crypto";
import { ConfigurationError } from "@scenario/spec";
import {
  fliteSpeech,
  fromWireAudio,
  type SpeechToTextProvider,
  type TextToSpeechProvider,
  toWireAudio,
} from "@scenario/voice";
import { checkNonNegativeMs } from "../shared/checks";
import { createFrameLog, type FakeVoiceServerBase, listenOnFreePort } from "../shared/fake-websocket-server";
import { redactHeaders } from "../shared/redact-headers";
import { CANNED_REPLIES, replyPolicy, speechSynthesizer } from "../shared/reply-source";
import { elevenLabsAudioFormat } from "./elevenlabs-audio-format";
import { ElevenLabsConnection } from "./elevenlabs-connection";
import type { ElevenLabsServerContext } from "./elevenlabs-server-context";
import type {
  ElevenLabsAudioFormatName,
  ElevenLabsConnectionRecord,
  ElevenLabsFault,
  ElevenLabsFrameRecord,
  ElevenLabsInterruptionRecord,
  ElevenLabsPingRecord,
  ElevenLabsProtocolViolation,
  ElevenLabsReply,
  ElevenLabsReplyContext,
  ElevenLabsReplyPolicy,
  ElevenLabsReplyRecord,
  ElevenLabsToolCallRecord,
  ElevenLabsTurnRecord,
} from "./elevenlabs-types";
import type { ElevenLabsVadOptions } from "./elevenlabs-vad";

/** How the fake agent picks replies: a policy, one fixed reply, or a list used in turn order. */
export type ElevenLabsReplySource =
  | ElevenLabsReplyPolicy
  | string
  | ElevenLabsReply
  | ReadonlyArray<string | ElevenLabsReply>;

/** Options of `startFakeElevenLabsServer()`. */
export interface FakeElevenLabsServerOptions {
  /**
   * Milliseconds from the end of the caller's speech to the agent's first audio event (from the
   * request for text turns and the first message). A reply's own `thinkTimeMs` overrides it.
   * @default 0
   */
  thinkTimeMs?: number;
  /**
   * How much faster than real time audio events are sent: 1 sends `chunkMs` of audio every
   * `chunkMs`, `Infinity` as fast as the socket takes them.
   * @default 1
   */
  paceFactor?: number;
  /** Milliseconds of audio in each `audio` event. @default 50 */
  chunkMs?: number;
  /**
   * The replies: a policy, one transcript (or reply) for every turn, or a list used in turn order
   * (cycling). Transcripts without audio are spoken by `speech`.
   * @default three canned lines, cycling
   */
  reply?: ElevenLabsReplySource;
  /**
   * The agent's first message, spoken as soon as the conversation starts. The client's
   * `conversation_config_override.agent.first_message` replaces it ("" makes the agent wait).
   * @default none: the agent waits for the caller
   */
  firstMessage?: string | ElevenLabsReply;
  /**
   * Makes reply audio from a transcript when the reply has none: `"synthetic"` (speech-like tones),
   * `"flite"` (offline TTS: real words), a `TextToSpeechProvider`, or a function giving PCM16 24 kHz.
   * The agent converts it to `outputFormat`.
   * @default "synthetic"
   */
  speech?:
    | "synthetic"
    | "flite"
    | TextToSpeechProvider
    | ((transcript: string) => Uint8Array | Promise<Uint8Array>);
  /**
   * Recognises the caller's turns, for `user_transcript` and the policy's `callerTranscript`: a
   * `SpeechToTextProvider` (given PCM16 24 kHz) or a function given the turn in `inputFormat`.
   * @default none: no `user_transcript` is sent
   */
  transcribe?:
    | SpeechToTextProvider
    | ((audio: Uint8Array) => string | undefined | Promise<string | undefined>);
  /** Settings of the energy VAD that finds the caller's speech. */
  vad?: ElevenLabsVadOptions;
  /** Send `interruption` when the caller speaks while the agent is talking. @default true */
  bargeIn?: boolean;
  /**
   * `audio` events of a cut reply sent after its `interruption`, as audio already in flight
   * arrives late. They carry the cut reply's event id, so a client must drop them.
   * @default 0
   */
  lateAudioChunks?: number;
  /** `user_input_audio_format` announced in the metadata. @default "pcm_16000" */
  inputFormat?: ElevenLabsAudioFormatName;
  /** `agent_output_audio_format` announced in the metadata. @default "pcm_16000" */
  outputFormat?: ElevenLabsAudioFormatName;
  /** Milliseconds between `ping`s (0: none). @default 1000 */
  pingIntervalMs?: number;
  /** How long a reply waits for `client_tool_result`s before it gives up. @default 5000 */
  toolResultTimeoutMs?: number;
  /**
   * When set, a client must authenticate: the `xi-api-key` header with this value, or a URL from
   * `signedUrl()`. Others are closed with code 1008.
   */
  apiKey?: string;
  /** The clock behind every `atMs` in the logs, in milliseconds. @default performance.now */
  clock?: () => number;
}

/** A running fake ElevenLabs conversational agent. */
export interface FakeElevenLabsServer
  extends FakeVoiceServerBase<ElevenLabsFrameRecord, ElevenLabsReplySource, ElevenLabsFault> {
  /** The conversation endpoint: `ws://127.0.0.1:<port>/v1/convai/conversation`. */
  readonly url: string;
  /** Every caller turn the VAD cut, in order. */
  readonly turns: readonly ElevenLabsTurnRecord[];
  /** Every reply started, in order. */
  readonly replies: readonly ElevenLabsReplyRecord[];
  /** Every `interruption` sent. */
  readonly interruptions: readonly ElevenLabsInterruptionRecord[];
  /** Every client tool call, with its result. */
  readonly toolCalls: readonly ElevenLabsToolCallRecord[];
  /** Every `ping`, with its `pong`. */
  readonly pings: readonly ElevenLabsPingRecord[];
  /** Every connection accepted (credentials redacted). */
  readonly connections: readonly ElevenLabsConnectionRecord[];
  /** Every way a client broke the protocol; empty for a good client. */
  readonly violations: readonly ElevenLabsProtocolViolation[];
  /** A signed URL for `agentId`, as `GET /v1/convai/conversation/get-signed-url` returns one. */
  signedUrl(agentId: string): string;
}

function checkFormat(name: string, value: string | undefined): void {
  if (value !== undefined && elevenLabsAudioFormat(value) === undefined) {
    throw new ConfigurationError(
      `\`${name}\` must be pcm_8000, pcm_16000, pcm_22050, pcm_24000, pcm_44100, pcm_48000 or ulaw_8000, got ${JSON.stringify(value)}.`,
    );
  }
}

/**
 * Starts a fake ElevenLabs conversational agent on 127.0.0.1 at a free port that speaks the
 * server's side of the conversation WebSocket: it takes `conversation_initiation_client_data`
 * (overrides, dynamic variables), answers with the metadata, finds the caller's turns in
 * `user_audio_chunk`s with an energy VAD, sends `user_transcript`, `agent_response` and paced
 * `audio` events with event ids after a think time, calls client tools and waits for their results,
 * sends `interruption` and `agent_response_correction` when the caller talks over it, pings, acts
 * out faults, logs every frame both ways and records every way the client breaks the protocol.
 */
export async function startFakeElevenLabsServer(
  options: FakeElevenLabsServerOptions = {},
): Promise<FakeElevenLabsServer> {
  checkNonNegativeMs("thinkTimeMs", options.thinkTimeMs);
  checkNonNegativeMs("pingIntervalMs", options.pingIntervalMs);
  checkNonNegativeMs("toolResultTimeoutMs", options.toolResultTimeoutMs);
  checkFormat("inputFormat", options.inputFormat);
  checkFormat("outputFormat", options.outputFormat);
  const paceFactor = options.paceFactor ?? 1;
  if (!(paceFactor > 0)) {
    throw new ConfigurationError(
      `\`paceFactor\` must be > 0 (1 = real time, Infinity = unpaced), got ${String(options.paceFactor)}.`,
    );
  }
  const chunkMs = options.chunkMs ?? 50;
  if (!(Number.isFinite(chunkMs) && chunkMs >= 1)) {
    throw new ConfigurationError(
      `\`chunkMs\` must be a number of milliseconds >= 1, got ${String(chunkMs)}.`,
    );
  }
  const inputFormat = options.inputFormat ?? "pcm_16000";
  const outputFormat = options.outputFormat ?? "pcm_16000";
  const clock = options.clock ?? (() => performance.now());
  const pcm = speechSynthesizer(options.speech ?? "synthetic", fliteSpeech);
  const outputWireFormat = elevenLabsAudioFormat(outputFormat)!;
  const inputWireFormat = elevenLabsAudioFormat(inputFormat)!;
  const transcribe = options.transcribe;
  let policy = replyPolicy<ElevenLabsReplyContext, ElevenLabsReply>(options.reply ?? CANNED_REPLIES);
  const faults: ElevenLabsFault[] = [];
  const frameLog = createFrameLog<ElevenLabsFrameRecord>("fake ElevenLabs server");
  const { received, sent, notify, waitFor } = frameLog;
  const connections: ElevenLabsConnectionRecord[] = [];
  const violations: ElevenLabsProtocolViolation[] = [];
  const signatures = new Set<string>();

  const context: ElevenLabsServerContext = {
    clock,
    thinkTimeMs: options.thinkTimeMs ?? 0,
    paceFactor,
    chunkMs,
    bargeIn: options.bargeIn ?? true,
    lateAudioChunks: options.lateAudioChunks ?? 0,
    inputFormat,
    outputFormat,
    pingIntervalMs: options.pingIntervalMs ?? 1000,
    toolResultTimeoutMs: options.toolResultTimeoutMs ?? 5000,
    firstMessage:
      typeof options.firstMessage === "string" ? { transcript: options.firstMessage } : options.firstMessage,
    vad: {
      rmsThreshold: options.vad?.rmsThreshold ?? 0.01,
      silenceDurationMs: options.vad?.silenceDurationMs ?? 500,
      minSpeechMs: options.vad?.minSpeechMs ?? 40,
    },
    reply: async (replyContext) => policy(replyContext),
    speech: async (transcript) => toWireAudio(await pcm(transcript), outputWireFormat),
    ...(transcribe !== undefined && {
      transcribe: async (audio: Uint8Array) =>
        typeof transcribe === "function"
          ? transcribe(audio)
          : transcribe.transcribe(fromWireAudio(audio, inputWireFormat)),
    }),
    takeFault: () => faults.shift(),
    changed: notify,
    log: frameLog.log,
    violation: (connectionId, message) => {
      violations.push({ connectionId, atMs: clock(), message });
    },
    turns: [],
    replies: [],
    interruptions: [],
    toolCalls: [],
    pings: [],
  };

  const server = await listenOnFreePort({
    path: "/v1/convai/conversation",
    clock,
    notify,
    accept: (socket, request) => {
      const query = new URL(request.url ?? "/", "ws://127.0.0.1").searchParams;
      const signature = query.get("conversation_signature");
      const apiKeyHeader = request.headers["xi-api-key"];
      const auth: ElevenLabsConnectionRecord["auth"] =
        signature !== null && signatures.has(signature)
          ? "signed-url"
          : typeof apiKeyHeader === "string"
            ? "api-key"
            : "none";
      const record: ElevenLabsConnectionRecord = {
        id: connections.length,
        // The signature is a credential too: keep it out of the log.
        url: (request.url ?? "").replace(/conversation_signature=[^&]*/, "conversation_signature=[redacted]"),
        auth,
        headers: redactHeaders(request.headers, { marker: "[redacted]" }),
        conversationId: `conv_${randomUUID().replaceAll("-", "")}`,
        contextualUpdates: [],
        userMessages: [],
        openedAtMs: clock(),
      };
      const agentId = query.get("agent_id");
      if (agentId !== null) record.agentId = agentId;
      connections.push(record);
      const connection = new ElevenLabsConnection(record.id, socket, context, record);
      const authorised =
        options.apiKey === undefined ||
        auth === "signed-url" ||
        (auth === "api-key" && apiKeyHeader === options.apiKey);
      if (agentId === null || agentId === "") {
        violations.push({ connectionId: record.id, atMs: clock(), message: "no agent_id in the URL" });
        socket.close(1008, "agent_id is required");
      } else if (!authorised) {
        socket.close(1008, "Authentication failed: invalid xi-api-key or signed URL");
      } else {
        socket.on("message", (data, isBinary) => {
          if (isBinary) connection.handleBinary();
          else connection.handleText(data.toString());
          notify();
        });
      }
      notify();
      return { connection, record };
    },
  });

  return {
    url: server.url,
    port: server.port,
    received,
    sent,
    turns: context.turns,
    replies: context.replies,
    interruptions: context.interruptions,
    toolCalls: context.toolCalls,
    pings: context.pings,
    connections,
    violations,
    signedUrl(agentId) {
      const signature = randomBytes(16).toString("hex");
      signatures.add(signature);
      return `${server.url}?agent_id=${encodeURIComponent(agentId)}&conversation_signature=${signature}`;
    },
    setReply(reply) {
      policy = replyPolicy<ElevenLabsReplyContext, ElevenLabsReply>(reply);
    },
    injectFault(fault) {
      faults.push(fault);
    },
    waitFor,
    close: server.close,
  };
}
