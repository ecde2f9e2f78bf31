import type { AgentRole } from "@scenario/spec";
import type { VoiceSessionOptions } from "@scenario/voice";

/**
 * The part of a WebSocket this adapter uses: the `ws` package's client (the default) or anything
 * shaped like it.
 */
export interface GeminiLiveWebSocket {
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
export type GeminiLiveWebSocketConstructor = new (
  url: string,
  options: { headers: Record<string, string> },
) => GeminiLiveWebSocket;

/** A function the model may call. The adapter runs it and sends the result back in a `toolResponse`. */
export interface GeminiLiveTool {
  /** The function's name. */
  name: string;
  /** What it does, for the model. */
  description?: string;
  /**
   * Its parameters, as the API's `parameters` schema (an OpenAPI subset: `{ type: "OBJECT", properties }`).
   * @default none
   */
  parameters?: Record<string, unknown>;
  /**
   * Runs the call; the result goes back as the function response (an object is sent as is,
   * anything else as `{ result }`).
   */
  execute(input: unknown): unknown | Promise<unknown>;
}

/** The Live API's speech settings (`generationConfig.speechConfig`), passed through as given. */
export interface GeminiLiveSpeechConfig {
  /** The voice: `{ prebuiltVoiceConfig: { voiceName: "Kore" } }`. */
  voiceConfig?: { prebuiltVoiceConfig?: { voiceName?: string } };
  /** The language to speak, as a BCP-47 code ("en-US"). */
  languageCode?: string;
  /** Any other field of the API's speech config. */
  [field: string]: unknown;
}

/**
 * The Live API's automatic activity detection settings (`realtimeInputConfig.automaticActivityDetection`,
 * without `disabled`): the server's VAD decides when the caller starts and stops.
 */
export interface GeminiLiveAutomaticActivityDetection {
  /** How readily speech counts as started: `"START_SENSITIVITY_HIGH"` or `"START_SENSITIVITY_LOW"`. */
  startOfSpeechSensitivity?: string;
  /** How readily speech counts as ended: `"END_SENSITIVITY_HIGH"` or `"END_SENSITIVITY_LOW"`. */
  endOfSpeechSensitivity?: string;
  /** Audio kept before detected speech, in milliseconds. */
  prefixPaddingMs?: number;
  /** Silence that ends the caller's turn, in milliseconds. */
  silenceDurationMs?: number;
}

/** Options of `geminiLiveAgent()`. */
export interface GeminiLiveAgentOptions extends VoiceSessionOptions {
  /**
   * The part the model plays: the agent under test, or (`AgentRole.USER`, see
   * `GeminiLiveUserAgentOptions`) the simulated caller.
   * @default AgentRole.AGENT
   */
  role?: AgentRole.AGENT;
  /**
   * The Live API WebSocket endpoint, without the key. Point it at a local fake in tests.
   * @default `wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent`
   */
  url?: string;
  /**
   * The Gemini API key, sent as the `key` query parameter. Never logged nor put in errors.
   * @default process.env.GEMINI_API_KEY, then process.env.GOOGLE_API_KEY
   */
  apiKey?: string;
  /** Extra headers of the WebSocket handshake. */
  headers?: Record<string, string>;
  /** The Live model, with or without the `models/` prefix. @default "gemini-2.5-flash-native-audio-preview-12-2025" */
  model?: string;
  /** The prebuilt voice's name ("Kore", "Puck"…); shorthand for `speechConfig.voiceConfig`. */
  voice?: string;
  /** The speech settings, as the API takes them; `voice` fills in its voice when it has none. */
  speechConfig?: GeminiLiveSpeechConfig;
  /** The agent's system instruction. */
  systemInstruction?: string;
  /** Functions the agent may call; each call and result goes on the recording's timeline. */
  tools?: GeminiLiveTool[];
  /**
   * Who decides when the caller starts and stops: `"manual"` (the adapter sends `activityStart`
   * and `activityEnd` around each turn, and `activityStart` barges in natively) or the server's
   * automatic activity detection (with its settings, optionally).
   * @default "manual"
   */
  activityDetection?: "manual" | "automatic" | GeminiLiveAutomaticActivityDetection;
  /**
   * With automatic activity detection, the silence appended after the caller's audio so the
   * server notices the turn ended, in milliseconds.
   * @default 800
   */
  vadTrailingSilenceMs?: number;
  /**
   * Ask for transcripts of the caller's audio (`inputAudioTranscription`); they go on the
   * recording's timeline.
   * @default true
   */
  inputTranscription?: boolean;
  /**
   * Ask for transcripts of the agent's audio (`outputAudioTranscription`), which the judge reads.
   * Without them, set `transcription` to recognise the audio locally.
   * @default true
   */
  outputTranscription?: boolean;
  /**
   * Ask for session resumption handles, and resume with the latest one when the server sends
   * `goAway` and closes (the call goes on in the same conversation).
   * @default true
   */
  sessionResumption?: boolean;
  /** Extra fields of `generationConfig` (temperature, …), merged under the adapter's own. */
  generationConfig?: Record<string, unknown>;
  /** How long to wait for the connection and `setupComplete`, in milliseconds. @default 10000 */
  connectTimeoutMs?: number;
  /** The WebSocket constructor. @default the `ws` package's */
  WebSocket?: GeminiLiveWebSocketConstructor;
}
