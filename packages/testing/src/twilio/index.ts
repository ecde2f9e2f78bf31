// The fake Twilio Media Streams bot, behind its own entry point (`@scenario/testing/twilio`) so the
// text fakes never load @scenario/voice.
export type { TwilioVadOptions } from "./caller-vad";
export {
  type FakeTwilioBot,
  type FakeTwilioBotOptions,
  startFakeTwilioBot,
  type TwilioReplySource,
  type TwilioSpeechSynthesizer,
  type TwilioWaitOptions,
} from "./fake-twilio-bot";
export type {
  TwilioClearRecord,
  TwilioConnectionRecord,
  TwilioDtmfRecord,
  TwilioFault,
  TwilioFrameRecord,
  TwilioMarkRecord,
  TwilioMessage,
  TwilioProtocolViolation,
  TwilioReply,
  TwilioReplyContext,
  TwilioReplyOutcome,
  TwilioReplyPolicy,
  TwilioReplyRecord,
  TwilioStreamStart,
  TwilioTurnRecord,
} from "./twilio-types";
