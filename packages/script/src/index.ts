export { agent, fail, judge, message, proceed, succeed, user } from "./script-steps";
export {
  type AudioStepOptions,
  audio,
  dtmf,
  type InterruptRecord,
  interrupt,
  silence,
  sleep,
} from "./voice-steps";
export {
  checkFirstAudioWithin,
  checkStopsSpeakingWithin,
  expectFirstAudioWithin,
  expectStopsSpeakingWithin,
  type VoiceTimingCheck,
  type VoiceTimingOptions,
} from "./voice-timing-steps";
