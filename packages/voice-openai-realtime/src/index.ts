export {
  OpenAIRealtimeAgent,
  type OpenAIRealtimeAgentOptions,
  type OpenAIRealtimeServerVad,
  type OpenAIRealtimeTool,
  openAIRealtimeAgent,
  type RealtimeWebSocket,
  type RealtimeWebSocketConstructor,
} from "./openai-realtime-agent";
