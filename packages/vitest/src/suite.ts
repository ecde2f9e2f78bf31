// The `@scenario/vitest/suite` entry: declares tests, so it imports vitest at load time and is
// kept out of the main entry (which must load in plain Node, outside vitest).
export { describeScenarios, type ScenarioTestOptions, scenario, scenarioTest } from "./scenario-test";
