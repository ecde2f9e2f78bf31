export { JudgeAgent, type JudgeAgentOptions, type JudgeCadence, judgeAgent } from "./judge-agent";
export { DEFAULT_JUDGE_INSTRUCTIONS } from "./judge-prompt";
export { CONTINUE_TEST, FINISH_TEST } from "./judge-tools";
