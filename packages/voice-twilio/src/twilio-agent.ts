import { ConfigurationError, type VoiceTransport } from "@scenario/spec";
import { type VoiceSessionOptions, type VoiceTransportAgent, voiceTransportAgent } from "@scenario/voice";
import { TwilioTransport } from "./twilio-transport";

/** The part of a WebSocket this adapter uses: the `ws` package's client (the default) or anything shaped like it. */
export interface TwilioWebSocket {
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
export type TwilioWebSocketConstructor = new (
  url: string,
  options: { headers: Record<string, string> },
) => TwilioWebSocket;

/** Options of `twilioTransport()`: where the bot is and what Twilio's side tells it. */
export interface TwilioTransportOptions {
  /**
   * The bot's Media Streams WebSocket: the `url` of the `<Stream>` in your TwiML
   * (`wss://bot.example.com/media-stream`, or `ws://127.0.0.1:8080/media-stream` locally).
   */
  url: string;
  /** The `<Parameter>`s of the `<Stream>`, sent in `start.customParameters`. @default {} */
  customParameters?: Record<string, string>;
  /** Extra headers of the WebSocket handshake (Twilio sends `X-Twilio-Signature`). @default {} */
  headers?: Record<string, string>;
  /** The call's `callSid`. @default a fresh `CA…` SID per call */
  callSid?: string;
  /** The `accountSid`. @default a fresh `AC…` SID per call */
  accountSid?: string;
  /** The `streamSid`. @default a fresh `MZ…` SID per call */
  streamSid?: string;
  /**
   * Send μ-law silence frames while the caller is quiet, as Twilio streams every 20 ms of a call.
   * A bot's VAD needs that silence to hear the end of the caller's speech; turn it off only for a
   * bot that ends turns some other way.
   * @default true
   */
  fillSilence?: boolean;
  /**
   * Give up connecting after this many milliseconds.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /** The WebSocket constructor. @default the `ws` package's */
  WebSocket?: TwilioWebSocketConstructor;
}

/** Options of `twilioAgent()`: the transport's and the session driver's. */
export interface TwilioAgentOptions extends TwilioTransportOptions, VoiceSessionOptions {}

/**
 * The bare `VoiceTransport` of a Twilio Media Streams call, for driving it yourself; most tests
 * want `twilioAgent()`, which wraps it in the session driver.
 */
export function twilioTransport(options: TwilioTransportOptions): VoiceTransport {
  if (typeof options?.url !== "string" || !/^wss?:\/\//.test(options.url)) {
    throw new ConfigurationError(
      `The Twilio adapter needs \`url\`, the bot's Media Streams WebSocket (ws:// or wss://), got ${JSON.stringify(options?.url)}.`,
    );
  }
  if (options.connectTimeoutMs !== undefined && !(options.connectTimeoutMs > 0)) {
    throw new ConfigurationError(
      `connectTimeoutMs must be a positive number of milliseconds, got ${String(options.connectTimeoutMs)}.`,
    );
  }
  return new TwilioTransport(options);
}

/**
 * Creates a voice adapter that calls a phone bot as Twilio would: it connects to the bot's Media
 * Streams WebSocket and plays Twilio's side of a bidirectional stream (`connected`, `start`, paced
 * 20 ms μ-law `media` frames, `dtmf`, `mark` echoes, `stop`), taking the bot's `media`, `mark` and
 * `clear`.
 *
 * @example
 * const agent = twilioAgent({ url: "ws://127.0.0.1:8080/media-stream", customParameters: { customer: "42" } });
 * await run({ name: "balance", description: "...", agents: [agent, voiceUserSimulatorAgent(...), judgeAgent(...)] });
 */
export function twilioAgent(options: TwilioAgentOptions): VoiceTransportAgent {
  return voiceTransportAgent(twilioTransport(options), options);
}
