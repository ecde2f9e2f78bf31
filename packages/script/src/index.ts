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
