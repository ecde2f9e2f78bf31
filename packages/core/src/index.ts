export { createScenarioRunId, getBatchRunId, scenarioIdOf } from "./ids";
export { run } from "./run";
export { scenarioEvents$ } from "./scenario-events";
export { ScenarioExecution, type ScenarioExecutionOptions } from "./scenario-execution";
export { ScenarioExecutionState } from "./scenario-execution-state";
export type { TextOutput } from "./verbose-printer";
