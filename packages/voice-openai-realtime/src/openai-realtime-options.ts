import type { AgentRole } from "@scenario/spec";
import type { VoiceSessionOptions } from "@scenario/voice";

/**
 * The part of a WebSocket this adapter uses: the `ws` package's client (the default) or anything
 * shaped like it.
 */
export interface RealtimeWebSocket {
  /** 1 when open. */
  readonly readyState: number;
  /** Sends one text frame. */
  send(data: string): void;
  /** Closes the connection. */
  close(code?: number, reason?: string): void;
  /** Listens for `open`, `message` (data, isBinary), `close` (code, reason) and `error` (error). */
  on(event: "open" | "message" | "close" | "error", listener: (...args: never[]) => void): unknown;
}

/** Creates a WebSocket: `ws`'s constructor by default. Inject one to wrap or observe the socket. */
export type RealtimeWebSocketConstructor = new (
  url: string,
  options: { headers: Record<string, string> },
) => RealtimeWebSocket;

/** A function the model may call. The adapter runs it and hands the result back to the model. */
export interface OpenAIRealtimeTool {
  /** The function's name. */
  name: string;
  /** What it does, for the model. */
  description?: string;
  /** Its parameters as a JSON schema. @default an object schema with no properties */
  parameters?: Record<string, unknown>;
  /** Runs the call; the result (JSON-serialisable) is sent back to the model. */
  execute(input: unknown): unknown | Promise<unknown>;
}

/** Server voice activity detection settings (the API's `server_vad`). */
export interface OpenAIRealtimeServerVad {
  /** The API's name for server VAD. */
  type: "server_vad";
  /** Activation threshold, 0 to 1. */
  threshold?: number;
  /** Audio kept before detected speech, in milliseconds. */
  prefix_padding_ms?: number;
  /** Silence that ends a turn, in milliseconds. */
  silence_duration_ms?: number;
}

/** Options of `openAIRealtimeAgent()`. */
export interface OpenAIRealtimeAgentOptions extends VoiceSessionOptions {
  /**
   * The part the model plays: the agent under test, or (`AgentRole.USER`, see
   * `OpenAIRealtimeUserAgentOptions`) the simulated caller.
   * @default AgentRole.AGENT
   */
  role?: AgentRole.AGENT;
  /**
   * The Realtime WebSocket endpoint. Point it at a local fake in tests.
   * @default `wss://api.openai.com/v1/realtime?model=<model>`
   */
  url?: string;
  /**
   * The API key, sent as a bearer token. Never logged nor put in errors.
   * @default process.env.OPENAI_API_KEY
   */
  apiKey?: string;
  /** Extra headers of the WebSocket handshake (they override the defaults). */
  headers?: Record<string, string>;
  /** The Realtime model. @default "gpt-realtime" */
  model?: string;
  /** The agent's voice. @default the server's */
  voice?: string;
  /** The agent's system instructions. */
  instructions?: string;
  /** Functions the agent may call; each call and result goes on the recording's timeline. */
  tools?: OpenAIRealtimeTool[];
  /**
   * Who decides that the user finished speaking: `"manual"` (the adapter commits each turn and asks
   * for exactly one response) or the server's VAD.
   * @default "manual"
   */
  turnDetection?: "manual" | "server_vad" | OpenAIRealtimeServerVad;
  /**
   * With server VAD, the silence appended after the user's audio so the server notices the turn
   * ended, in milliseconds.
   * @default 800
   */
  vadTrailingSilenceMs?: number;
  /** How long to wait for the connection and the session update, in milliseconds. @default 10000 */
  connectTimeoutMs?: number;
  /** The WebSocket constructor. @default the `ws` package's */
  WebSocket?: RealtimeWebSocketConstructor;
}
