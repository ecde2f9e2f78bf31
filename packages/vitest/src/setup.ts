// The `@scenario/vitest/setup` entry: list it in `setupFiles` (scenarioVitest() does) and every
// test file gets the matchers and the project's scenario.config.ts applied, with nothing to import.
import { beforeAll, expect } from "vitest";
import { scenarioMatchers } from "./scenario-matchers";
import { ensureScenarioProject } from "./scenario-project";

expect.extend(scenarioMatchers);

// A hook rather than top-level await, so this entry also builds as CommonJS.
beforeAll(async () => {
  await ensureScenarioProject((path) => import(path));
});
