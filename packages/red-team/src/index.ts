export {
  type AttackEncoding,
  applyEncodings,
  attackEncodings,
  base64Encoding,
  characterSplitEncoding,
  codeBlockEncoding,
  composeEncodings,
  leetspeakEncoding,
  rot13Encoding,
} from "./attack-encodings";
export { ATTACK_TECHNIQUES, type AttackTechnique } from "./attack-techniques";
export { RED_TEAM_ROLE_HEADERS } from "./call-forced-tool";
export { type CrescendoPhase, crescendoPhase, crescendoStrategy } from "./crescendo-strategy";
export { type GoatStrategyOptions, goatStrategy } from "./goat-strategy";
export {
  RedTeamAgent,
  type RedTeamAgentOptions,
  type RedTeamStrategyName,
  type RedTeamStrategyOptions,
  redTeamAgent,
  redTeamCrescendo,
  redTeamGoat,
  redTeamTap,
} from "./red-team-agent";
export { RedTeamError } from "./red-team-error";
export {
  RED_TEAM_CATEGORIES,
  RED_TEAM_GOALS,
  type RedTeamCategory,
  type RedTeamGoal,
} from "./red-team-goals";
export { redTeamJudge } from "./red-team-judge";
export {
  RED_TEAM_ARTIFACT_KEY,
  type RedTeamNodeStatus,
  type RedTeamReport,
  type RedTeamTreeNode,
  type RedTeamTurn,
} from "./red-team-report";
export type {
  AttackerRequest,
  AttackPlan,
  ExchangeOutcome,
  RedTeamStrategy,
  RedTeamStrategyContext,
} from "./red-team-strategy";
export { type RedTeamScenario, type RedTeamSuiteOptions, redTeamSuite } from "./red-team-suite";
export { RATE_CANDIDATES_TOOL, type ReplyScore, SCORE_REPLY_TOOL } from "./score-reply";
export { type SeededRandom, seededRandom } from "./seeded-random";
export { type TapStrategyOptions, tapStrategy } from "./tap-strategy";
