// The `@scenario/vitest/reporter` entry, for `reporters: ["default", "@scenario/vitest/reporter"]`
// in a vitest config that does not use scenarioVitest(): vitest instantiates the default export.
import { ScenarioVitestReporter } from "./scenario-vitest-reporter";

export { ScenarioVitestReporter, type ScenarioVitestReporterOptions } from "./scenario-vitest-reporter";
export default ScenarioVitestReporter;
