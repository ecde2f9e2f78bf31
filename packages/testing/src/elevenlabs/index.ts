// The fake ElevenLabs conversational agent, behind its own entry point
// (`@scenario/testing/elevenlabs`) so the text fakes never load @scenario/voice.

export type {
  ElevenLabsAudioFormatName,
  ElevenLabsConnectionRecord,
  ElevenLabsFault,
  ElevenLabsFrameRecord,
  ElevenLabsInitiation,
  ElevenLabsInterruptionRecord,
  ElevenLabsMessage,
  ElevenLabsPingRecord,
  ElevenLabsProtocolViolation,
  ElevenLabsReply,
  ElevenLabsReplyContext,
  ElevenLabsReplyOutcome,
  ElevenLabsReplyPolicy,
  ElevenLabsReplyRecord,
  ElevenLabsToolCallPlan,
  ElevenLabsToolCallRecord,
  ElevenLabsTurnRecord,
} from "./elevenlabs-types";
export type { ElevenLabsVadOptions } from "./elevenlabs-vad";
export {
  type ElevenLabsReplySource,
  type FakeElevenLabsServer,
  type FakeElevenLabsServerOptions,
  startFakeElevenLabsServer,
} from "./fake-elevenlabs-server";
