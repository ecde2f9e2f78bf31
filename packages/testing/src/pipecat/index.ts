// The fake Pipecat bot, behind its own entry point (`@scenario/testing/pipecat`): only this entry
// loads protobufjs (an optional peer), so users who never import it never install it.
export {
  type FakePipecatServer,
  type FakePipecatServerOptions,
  type PipecatReplySource,
  type PipecatSpeechSynthesizer,
  type PipecatWaitOptions,
  startFakePipecatServer,
} from "./fake-pipecat-server";
export {
  decodePipecatFrame,
  encodePipecatFrame,
  type PipecatFrame,
  type PipecatFrameKind,
} from "./pipecat-frame-codec";
export type {
  PipecatConnectionRecord,
  PipecatFault,
  PipecatFrameRecord,
  PipecatInterruptionRecord,
  PipecatReply,
  PipecatReplyContext,
  PipecatReplyOutcome,
  PipecatReplyPolicy,
  PipecatReplyRecord,
  PipecatToolCall,
  PipecatTurnRecord,
  RtviMessage,
} from "./pipecat-types";
export type { PipecatVadOptions } from "./pipecat-vad";
