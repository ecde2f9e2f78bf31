import { resolve } from "node:path";
import { applyProjectConfig } from "@scenario/kit";
import { ConfigurationError } from "@scenario/spec";
import { type LoadedScenarioConfig, loadScenarioConfig, SCENARIO_CONFIG_ENV } from "./load-scenario-config";

// On globalThis because the setup and suite entries are bundled apart and both ask for it: the
// config is loaded and applied once per worker module graph, whichever asks first.
const PROJECT_SLOT = Symbol.for("@scenario/vitest.project");

type GlobalWithProject = typeof globalThis & { [PROJECT_SLOT]?: Promise<LoadedScenarioConfig> };

/**
 * Loads the project's `scenario.config.*` (the file `scenarioVitest()` found, else the one in the
 * working directory) and applies its model and cache settings to the judge and the user simulator,
 * once. Resolves with the config so runs can use its `maxTurns`.
 */
export function ensureScenarioProject(
  importModule: (path: string) => Promise<unknown>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedScenarioConfig> {
  const holder = globalThis as GlobalWithProject;
  holder[PROJECT_SLOT] ??= (async () => {
    const loaded = await loadScenarioConfig({
      cwd: process.cwd(),
      file: env[SCENARIO_CONFIG_ENV],
      importModule,
    });
    const { config, rootDir, file } = loaded;
    try {
      applyProjectConfig({
        defaultModel: config.defaultModel,
        cacheMode: config.cacheMode,
        cacheDir: config.cacheDir === undefined ? undefined : resolve(rootDir, config.cacheDir),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ConfigurationError(`The Scenario config ${file ?? "(none)"} cannot be applied: ${message}`, {
        cause: error,
      });
    }
    return loaded;
  })();
  return holder[PROJECT_SLOT];
}
