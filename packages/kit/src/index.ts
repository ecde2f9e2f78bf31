import { scenario } from "./scenario";

export { ScenarioExecution, ScenarioExecutionState } from "@scenario/core";
export { JudgeAgent, type JudgeAgentOptions } from "@scenario/judge";
export { type ModelPrice, type ModelPrices, responseMessagesOf } from "@scenario/llm";
export { agent, dtmf, fail, judge, message, proceed, succeed, user } from "@scenario/script";
export type {
  AgentConnectContext,
  AgentInput,
  AgentReturn,
  AgentReturn as AgentReturnTypes,
  CriterionVerdict,
  JudgeResult,
  JudgmentRequest,
  ModelMessage,
  RoleUsage,
  ScenarioBudget,
  ScenarioConfig,
  ScenarioEvent,
  ScenarioExecutionLike,
  ScenarioExecutionStateLike,
  ScenarioReporter,
  ScenarioResult,
  ScenarioRunStatus,
  ScenarioUsage,
  ScriptStep,
  SuiteBudget,
} from "@scenario/spec";
export { AgentRole, ConfigurationError, ScenarioError, ScenarioTimeoutError } from "@scenario/spec";
export { UserSimulatorAgent, type UserSimulatorAgentOptions } from "@scenario/user-simulator";
export { AgentAdapter, JudgeAgentAdapter, UserSimulatorAgentAdapter } from "./agent-adapter";
export { applyProjectConfig } from "./apply-project-config";
export {
  type ColoredConsoleOptions,
  coloredDebugPrompt,
  coloredVerbosePrinter,
} from "./colored-console";
export {
  defineConfig,
  type LangWatchSettings,
  type ScenarioModel,
  type ScenarioModelSettings,
  type ScenarioProjectConfig,
  type ScenarioTeardown,
} from "./define-config";
export {
  type DefinedScenario,
  defineScenario,
  isScenarioDefinition,
  type ScenarioDefinition,
} from "./define-scenario";
export type {
  JudgeAgentConfig,
  LangwatchConfig,
  ScenarioConfigFinal,
  TestingAgentConfig,
  UserSimulatorAgentConfig,
} from "./langwatch-types";
export { judgeAgent, userSimulatorAgent } from "./model-preflight";
export { run } from "./run";
export { createScenarioExecution, type RunScenarioOptions, runScenario } from "./run-scenario";
export { allAgentRoles, DEFAULT_MAX_TURNS, DEFAULT_VERBOSE, scenario } from "./scenario";
export { type VoiceAgentOptions, voiceAgent } from "./voice-agent";

export default scenario;
