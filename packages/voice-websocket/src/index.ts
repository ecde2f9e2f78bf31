export {
  audioDurationMs,
  DEFAULT_VOICE_PROTOCOL_FORMAT,
  type DtmfMessage,
  type ErrorMessage,
  type InputEndMessage,
  type InputTextMessage,
  type InterruptMessage,
  type ResponseDoneMessage,
  type ResponseStartedMessage,
  type SessionEndedMessage,
  type SessionEndMessage,
  type SessionStartedMessage,
  type SessionStartMessage,
  type SpeechMessage,
  SUPPORTED_VOICE_PROTOCOL_VERSIONS,
  type ToolCallMessage,
  type ToolResultMessage,
  type TranscriptMessage,
  VOICE_PROTOCOL_NAME,
  VOICE_PROTOCOL_VERSION,
  type VoiceProtocolAudioFormat,
  type VoiceProtocolCapabilities,
  type VoiceProtocolClientMessage,
  VoiceProtocolCloseCode,
  type VoiceProtocolEncoding,
  type VoiceProtocolErrorCode,
  type VoiceProtocolResponseStatus,
  type VoiceProtocolServerMessage,
  type VoiceProtocolTurnDetection,
} from "./protocol";
export {
  type ServeVoiceAgentOptions,
  serveVoiceAgent,
  type VoiceAgentHandler,
  type VoiceAgentServer,
} from "./serve-voice-agent";
export { VoiceAgentResponse } from "./voice-agent-response";
export {
  type VoiceAgentInterrupt,
  type VoiceAgentReplyOptions,
  VoiceAgentSession,
  type VoiceAgentSessionEvents,
} from "./voice-agent-session";
export { voiceWebSocketCapabilities } from "./voice-websocket-capabilities";
export { type WebSocketVoiceAgentOptions, websocketVoiceAgent } from "./websocket-voice-agent";
export type {
  VoiceWebSocket,
  VoiceWebSocketConstructor,
  WebSocketVoiceTransportOptions,
} from "./websocket-voice-options";
export { WebSocketVoiceTransport } from "./websocket-voice-transport";
