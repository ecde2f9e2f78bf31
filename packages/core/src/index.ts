export {
  createDebugPrompt,
  type DebugPrompt,
  type DebugPromptOptions,
  type DebugQuestion,
} from "./debug-prompt";
export { createScenarioRunId, getBatchRunId, scenarioIdOf } from "./ids";
export { run } from "./run";
export { scenarioEvents$ } from "./scenario-events";
export { ScenarioExecution, type ScenarioExecutionOptions } from "./scenario-execution";
export { ScenarioExecutionState } from "./scenario-execution-state";
export {
  plainVerbosePrinter,
  type TextOutput,
  type VerboseLine,
  type VerbosePrinter,
} from "./verbose-printer";
