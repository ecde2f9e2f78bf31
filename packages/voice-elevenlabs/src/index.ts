export { elevenLabsAgent, elevenLabsTransport } from "./elevenlabs-agent";
export { elevenLabsCapabilities } from "./elevenlabs-capabilities";
export type {
  ElevenLabsAgentOptions,
  ElevenLabsClientTool,
  ElevenLabsConversationOverride,
  ElevenLabsTransportOptions,
  ElevenLabsWebSocket,
  ElevenLabsWebSocketConstructor,
} from "./elevenlabs-options";
