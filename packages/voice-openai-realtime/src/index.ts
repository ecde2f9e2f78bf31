export { OpenAIRealtimeAgent, openAIRealtimeAgent } from "./openai-realtime-agent";
export type {
  OpenAIRealtimeAgentOptions,
  OpenAIRealtimeServerVad,
  OpenAIRealtimeTool,
  RealtimeWebSocket,
  RealtimeWebSocketConstructor,
} from "./openai-realtime-options";
export { OpenAIRealtimeTransport, openAIRealtimeCapabilities } from "./openai-realtime-transport";
export {
  callerInstructions,
  OpenAIRealtimeUserAgent,
  type OpenAIRealtimeUserAgentOptions,
} from "./openai-realtime-user-agent";
