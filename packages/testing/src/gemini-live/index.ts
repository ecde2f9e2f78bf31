// The fake Gemini Live API server, behind its own entry point (`@scenario/testing/gemini-live`) so
// the text fakes never load @scenario/voice.
export type { EnergyVadOptions } from "../realtime/energy-vad";
export { type SyntheticSpeechOptions, syntheticSpeech } from "../realtime/synthetic-speech";
export {
  type FakeGeminiLiveServer,
  type FakeGeminiLiveServerOptions,
  GEMINI_LIVE_PATH,
  type GeminiLiveReplySource,
  type GeminiLiveWaitOptions,
  startFakeGeminiLiveServer,
} from "./fake-gemini-live-server";
export type {
  GeminiLiveConnectionRecord,
  GeminiLiveFault,
  GeminiLiveFrameRecord,
  GeminiLiveFunctionCall,
  GeminiLiveFunctionResponse,
  GeminiLiveInterruptionRecord,
  GeminiLiveMessage,
  GeminiLiveReply,
  GeminiLiveReplyContext,
  GeminiLiveReplyPolicy,
  GeminiLiveResponseOutcome,
  GeminiLiveResponseRecord,
  GeminiLiveTurnRecord,
  GeminiLiveUsage,
} from "./gemini-live-types";
