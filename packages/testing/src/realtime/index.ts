// The fake OpenAI Realtime server, behind its own entry point (`@scenario/testing/realtime`) so the
// text fakes never load @scenario/voice.
export type { EnergyVadOptions } from "./energy-vad";
export {
  type FakeRealtimeServer,
  type FakeRealtimeServerOptions,
  type RealtimeReplySource,
  type RealtimeSpeechSynthesizer,
  type RealtimeWaitOptions,
  startFakeRealtimeServer,
} from "./fake-realtime-server";
export type {
  RealtimeCancelRecord,
  RealtimeConnectionRecord,
  RealtimeEvent,
  RealtimeFault,
  RealtimeFrameRecord,
  RealtimeReply,
  RealtimeReplyContext,
  RealtimeReplyPolicy,
  RealtimeResponseOutcome,
  RealtimeResponseRecord,
  RealtimeSession,
  RealtimeTruncateRecord,
  RealtimeTurnRecord,
} from "./realtime-types";
export { type SyntheticSpeechOptions, syntheticSpeech } from "./synthetic-speech";
