import type { VoiceSessionOptions } from "@scenario/voice";

/** The part of a WebSocket this adapter uses: the `ws` package's client (the default) or anything shaped like it. */
export interface ElevenLabsWebSocket {
  /** 1 when open. */
  readonly readyState: number;
  /** Sends one text frame. */
  send(data: string): void;
  /** Closes the connection. */
  close(code?: number, reason?: string): void;
  /** Drops the connection at once, without a close handshake. */
  terminate?(): void;
  /** Listens for `open`, `message` (data, isBinary), `close` (code, reason) and `error` (error). */
  on(event: "open" | "message" | "close" | "error", listener: (...args: never[]) => void): unknown;
}

/** Creates a WebSocket: `ws`'s constructor by default. Inject one to wrap or observe the socket. */
export type ElevenLabsWebSocketConstructor = new (
  url: string,
  options: { headers: Record<string, string> },
) => ElevenLabsWebSocket;

/**
 * A client tool: the agent calls it by name with its parameters (`client_tool_call`), the adapter
 * runs it and sends what it returns back (`client_tool_result`). Define the tool on the agent in
 * ElevenLabs as a client tool with the same name.
 */
export type ElevenLabsClientTool = (parameters: Record<string, unknown>) => unknown | Promise<unknown>;

/**
 * `conversation_config_override`: what a conversation may change about the agent, when the agent's
 * security settings allow the override. Sent as given (ElevenLabs' field names).
 */
export interface ElevenLabsConversationOverride {
  /** The agent's settings. */
  agent?: {
    /** The system prompt: `{ prompt: "You are …" }`. */
    prompt?: { prompt?: string } & Record<string, unknown>;
    /** What the agent says first ("" makes it wait for the caller). */
    first_message?: string;
    /** The conversation's language ("en", "de", …). */
    language?: string;
  } & Record<string, unknown>;
  /** The voice: `{ voice_id: "…" }`. */
  tts?: { voice_id?: string } & Record<string, unknown>;
  /** Anything else the override accepts. */
  [key: string]: unknown;
}

/** Options of `elevenLabsTransport()`: which agent, how to authenticate, what to start it with. */
export interface ElevenLabsTransportOptions {
  /**
   * The agent's id (`agent_…`). The adapter connects to `wss://api.elevenlabs.io/v1/convai/conversation?agent_id=…`
   * with the API key in the `xi-api-key` header. Give this or `signedUrl`.
   */
  agentId?: string;
  /**
   * A signed URL from `GET /v1/convai/conversation/get-signed-url` (made by your server), for
   * agents that require authentication; no API key is sent with it. Give this or `agentId`.
   */
  signedUrl?: string;
  /**
   * The API key, sent as `xi-api-key` when connecting by `agentId`. Never logged nor put in errors.
   * A public agent needs none.
   * @default process.env.ELEVENLABS_API_KEY
   */
  apiKey?: string;
  /**
   * The conversation endpoint, for a local fake or a regional endpoint (`agent_id` is appended).
   * @default "wss://api.elevenlabs.io/v1/convai/conversation"
   */
  url?: string;
  /** Extra headers of the WebSocket handshake. @default {} */
  headers?: Record<string, string>;
  /** `conversation_config_override`: prompt, first message, language, voice. */
  overrides?: ElevenLabsConversationOverride;
  /** `dynamic_variables`: the values of the `{{variables}}` in the agent's prompt and first message. */
  dynamicVariables?: Record<string, string | number | boolean>;
  /** `custom_llm_extra_body`: extra fields for an agent backed by a custom LLM. */
  customLlmExtraBody?: Record<string, unknown>;
  /** Client tools by name; each call and result goes on the recording's timeline and to the judge. */
  clientTools?: Record<string, ElevenLabsClientTool>;
  /**
   * Stream silence while the caller is quiet, as a microphone does. The agent's turn taking needs
   * that silence to hear the end of the caller's speech.
   * @default true
   */
  fillSilence?: boolean;
  /** Give up when the conversation has not started (metadata received) after this many milliseconds. @default 10000 */
  connectTimeoutMs?: number;
  /** The WebSocket constructor. @default the `ws` package's */
  WebSocket?: ElevenLabsWebSocketConstructor;
}

/** Options of `elevenLabsAgent()`: the transport's and the session driver's. */
export interface ElevenLabsAgentOptions extends ElevenLabsTransportOptions, VoiceSessionOptions {}
