import type { VoiceCapabilities } from "@scenario/spec";

/** Frame size of the caller's audio, in ms (Pipecat's input takes any; 20 ms is what clients send). */
export const INPUT_FRAME_MS = 20;

/**
 * The part of a WebSocket the adapter uses: the `ws` package's client (the default) or anything
 * shaped like it.
 */
export interface PipecatWebSocket {
  /** 1 when open. */
  readonly readyState: number;
  /** Sends one binary frame. */
  send(data: Uint8Array): void;
  /** Closes the connection. */
  close(code?: number, reason?: string): void;
  /** Listens for `open`, `message` (data, isBinary), `close` (code, reason) and `error` (error). */
  on(event: "open" | "message" | "close" | "error", listener: (...args: never[]) => void): unknown;
}

/** Creates a WebSocket: `ws`'s constructor by default. Inject one to wrap or observe the socket. */
export type PipecatWebSocketConstructor = new (
  url: string,
  options: { headers: Record<string, string> },
) => PipecatWebSocket;

/** Options of `pipecatTransport()` (and so of `pipecatAgent()`). */
export interface PipecatTransportOptions {
  /** The bot's WebSocket URL: its `WebsocketServerTransport` or FastAPI endpoint (`ws://host:8765/ws`). */
  url: string;
  /** Headers of the WebSocket handshake (an auth token for a hosted bot). */
  headers?: Record<string, string>;
  /**
   * The sample rate of the caller's audio frames, in Hz (Pipecat clients record at 16 kHz; the bot
   * resamples whatever it gets to its pipeline's input rate).
   * @default 16000
   */
  inputSampleRate?: number;
  /**
   * The sample rate the bot sends (its pipeline's `audio_out_sample_rate`). Each audio frame carries
   * its own rate, which wins; this only declares the usual one.
   * @default 24000
   */
  outputSampleRate?: number;
  /**
   * Speak RTVI: send `client-ready` on connect and wait for the bot's `bot-ready`, take speaking
   * events and transcripts from its RTVI messages, send text turns as `send-text`. Turn it off for a
   * bot without an RTVI processor; replies then end after the driver's `silenceTailMs`.
   * @default true
   */
  rtvi?: boolean;
  /**
   * Milliseconds of silence sent at the end of each of the caller's turns, at once, so the bot's VAD
   * (its `stop_secs`) ends the turn without waiting in real time.
   * @default 800
   */
  endOfTurnSilenceMs?: number;
  /** How long to wait for the connection (and `bot-ready`), in milliseconds. @default 10000 */
  connectTimeoutMs?: number;
  /** The WebSocket constructor. @default the `ws` package's */
  WebSocket?: PipecatWebSocketConstructor;
}

/**
 * What a Pipecat bot over its WebSocket transport can do, with the default options: PCM16 in at
 * 16 kHz and out at 24 kHz, barge-in by speaking over the bot (its VAD cuts the reply), its own VAD,
 * tool calls and text turns through RTVI, transcripts of both sides, and the end of each reply
 * (`bot-stopped-speaking`).
 */
export const pipecatCapabilities: VoiceCapabilities = Object.freeze({
  inputAudioFormat: Object.freeze({ encoding: "pcm16", sampleRateHz: 16_000, channels: 1 }),
  outputAudioFormat: Object.freeze({ encoding: "pcm16", sampleRateHz: 24_000, channels: 1 }),
  bargeIn: "on-user-speech",
  serverVad: true,
  realtimeInput: true,
  inputFrameMs: INPUT_FRAME_MS,
  toolCalls: true,
  toolResults: true,
  dtmf: false,
  textInput: true,
  agentTranscripts: true,
  userTranscripts: true,
  replyEnd: true,
}) as VoiceCapabilities;
