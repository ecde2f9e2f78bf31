import { type VoiceSessionOptions, type VoiceTransportAgent, voiceTransportAgent } from "@scenario/voice";
import type { WebSocketVoiceTransportOptions } from "./websocket-voice-options";
import { WebSocketVoiceTransport } from "./websocket-voice-transport";

/** Options of `websocketVoiceAgent()`: the protocol client's, plus the session driver's. */
export interface WebSocketVoiceAgentOptions extends WebSocketVoiceTransportOptions, VoiceSessionOptions {
  /** A display name, used in errors and reports. @default "WebSocketVoiceAgent" */
  name?: string;
}

/**
 * A voice agent under test that speaks the Scenario voice protocol (see this package's README):
 * any voice stack wrapped with `serveVoiceAgent()`, or a server of your own. Turns, real-time
 * pacing, barge-in (`interrupt`), recording, timeline and latency come from the session driver of
 * `@scenario/voice`.
 *
 * @example
 * const agent = websocketVoiceAgent({ url: "ws://127.0.0.1:8765/", speech: fliteSpeech() });
 */
export function websocketVoiceAgent(options: WebSocketVoiceAgentOptions): VoiceTransportAgent {
  return voiceTransportAgent(new WebSocketVoiceTransport(options), options);
}
