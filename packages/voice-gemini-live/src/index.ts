export { GeminiLiveAgent, geminiLiveAgent } from "./gemini-live-agent";
export { geminiLiveAutomaticCapabilities, geminiLiveCapabilities } from "./gemini-live-capabilities";
export type {
  GeminiLiveAgentOptions,
  GeminiLiveAutomaticActivityDetection,
  GeminiLiveSpeechConfig,
  GeminiLiveTool,
  GeminiLiveWebSocket,
  GeminiLiveWebSocketConstructor,
} from "./gemini-live-options";
export { GeminiLiveTransport } from "./gemini-live-transport";
export { GeminiLiveUserAgent, type GeminiLiveUserAgentOptions } from "./gemini-live-user-agent";
