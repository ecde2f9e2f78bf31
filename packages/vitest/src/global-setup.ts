// The `@scenario/vitest/global-setup` entry (scenarioVitest() adds it to `globalSetup`): runs the
// `setup` of scenario.config.ts once in vitest's main process before the first test file, as
// `scenario run` runs it before the first scenario, and its teardown after the last.
import type { ScenarioTeardown } from "@scenario/kit";
import { ConfigurationError } from "@scenario/spec";
import type { TestProject } from "vitest/node";
import { loadScenarioConfig, SCENARIO_CONFIG_ENV } from "./load-scenario-config";

/** Runs the config's `setup` and hands its teardown to vitest. */
export default async function scenarioGlobalSetup(
  project?: TestProject,
): Promise<ScenarioTeardown | undefined> {
  const { config, file } = await loadScenarioConfig({
    cwd: project?.config.root ?? process.cwd(),
    file: project?.config.env?.[SCENARIO_CONFIG_ENV] ?? process.env[SCENARIO_CONFIG_ENV],
    // Through vitest's module runner, so a scenario.config.ts needs no TypeScript loader.
    importModule: (path) => import(path),
  });
  if (config.setup === undefined) return undefined;
  if (typeof config.setup !== "function") {
    throw new ConfigurationError(`setup in ${file} must be a function, run once before the first scenario.`);
  }
  const teardown = await config.setup();
  return typeof teardown === "function" ? teardown : undefined;
}
