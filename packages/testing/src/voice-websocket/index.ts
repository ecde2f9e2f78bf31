// The fake voice agent of the Scenario voice protocol (`@scenario/voice-websocket`), behind its own
// entry point (`@scenario/testing/voice-websocket`) so the text fakes never load @scenario/voice.
export type { EnergyVadOptions } from "../realtime/energy-vad";
export { type SyntheticSpeechOptions, syntheticSpeech } from "../realtime/synthetic-speech";
export {
  type FakeVoiceWebSocketServer,
  type FakeVoiceWebSocketServerOptions,
  startFakeVoiceWebSocketServer,
  type VoiceWebSocketReplySource,
  type VoiceWebSocketWaitOptions,
} from "./fake-voice-websocket-server";
export type {
  VoiceWebSocketAudioFormat,
  VoiceWebSocketCapabilities,
  VoiceWebSocketConnectionRecord,
  VoiceWebSocketFault,
  VoiceWebSocketFrameRecord,
  VoiceWebSocketInterruptRecord,
  VoiceWebSocketMessage,
  VoiceWebSocketReply,
  VoiceWebSocketReplyContext,
  VoiceWebSocketReplyPolicy,
  VoiceWebSocketResponseOutcome,
  VoiceWebSocketResponseRecord,
  VoiceWebSocketToolCall,
  VoiceWebSocketTurnRecord,
} from "./voice-websocket-types";
