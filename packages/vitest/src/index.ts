import "./register-matcher-types";

export {
  criteriaOf,
  type FormatScenarioResultOptions,
  formatScenarioResult,
  formatTranscriptTail,
} from "./format-scenario-result";
export {
  findScenarioConfigFile,
  type LoadedScenarioConfig,
  loadScenarioConfig,
  SCENARIO_CONFIG_ENV,
  SCENARIO_CONFIG_FILE_NAMES,
} from "./load-scenario-config";
export type { ScenarioAssertion } from "./register-matcher-types";
export { SCENARIO_RUNS_META_KEY, scenarioRunsOf } from "./run-registry";
export {
  type EndedWithinLimits,
  type ScenarioMatcherContext,
  type ScenarioMatcherResult,
  type ScenarioMatchers,
  scenarioMatchers,
} from "./scenario-matchers";
export { type ScenarioVitestOptions, scenarioVitest } from "./scenario-vitest";
export { ScenarioVitestReporter, type ScenarioVitestReporterOptions } from "./scenario-vitest-reporter";
