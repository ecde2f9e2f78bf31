export { agent, fail, judge, message, proceed, succeed, user } from "./script-steps";
