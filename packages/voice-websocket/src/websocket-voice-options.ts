import type { VoiceProtocolAudioFormat, VoiceProtocolTurnDetection } from "./protocol";

/**
 * The part of a WebSocket the client uses: the `ws` package's client (the default) or anything
 * shaped like it.
 */
export interface VoiceWebSocket {
  /** 1 when open. */
  readonly readyState: number;
  /** Sends one text frame (a string) or one binary frame (bytes). */
  send(data: string | Uint8Array): void;
  /** Closes the connection. */
  close(code?: number, reason?: string): void;
  /** Listens for `open`, `message` (data, isBinary), `close` (code, reason) and `error` (error). */
  on(event: "open" | "message" | "close" | "error", listener: (...args: never[]) => void): unknown;
}

/** Creates a WebSocket: `ws`'s constructor by default. Inject one to wrap or observe the socket. */
export type VoiceWebSocketConstructor = new (
  url: string,
  options: { headers: Record<string, string> },
) => VoiceWebSocket;

/** Options of the Scenario voice protocol client (`websocketVoiceAgent()`'s transport). */
export interface WebSocketVoiceTransportOptions {
  /** The agent's WebSocket URL (`ws://127.0.0.1:8765/`, or what `serveVoiceAgent()` returned). */
  url: string;
  /** Headers of the WebSocket handshake (an authorization token). Never logged nor put in errors. */
  headers?: Record<string, string>;
  /**
   * The format of the caller's audio on the wire; the driver converts to it.
   * @default PCM16 24 kHz mono
   */
  inputFormat?: VoiceProtocolAudioFormat;
  /**
   * The format to ask the agent's audio in. The agent may answer with its own (`session.started`);
   * the driver converts either.
   * @default PCM16 24 kHz mono
   */
  outputFormat?: VoiceProtocolAudioFormat;
  /**
   * Who ends the caller's turns: `"client"` sends `input.end` after each turn (deterministic);
   * `"server"` asks for the agent's own VAD (the caller's audio is then paced in real time). An
   * agent without server VAD falls back to `"client"`.
   * @default "client"
   */
  turnDetection?: VoiceProtocolTurnDetection;
  /** Sent in `session.start` as `metadata` (the scenario's name is added). Never put credentials here. */
  metadata?: Record<string, unknown>;
  /** A display name, used in errors and reports. @default "WebSocketVoiceAgent" */
  name?: string;
  /** How long to wait for the connection and `session.started`, in milliseconds. @default 10000 */
  connectTimeoutMs?: number;
  /** The WebSocket constructor. @default the `ws` package's */
  WebSocket?: VoiceWebSocketConstructor;
}
