import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { ScenarioProjectConfig } from "@scenario/kit";
import { ConfigurationError } from "@scenario/spec";

/** The names a project config is looked up by, in the order the CLI uses. */
export const SCENARIO_CONFIG_FILE_NAMES = [
  "scenario.config.ts",
  "scenario.config.mts",
  "scenario.config.js",
  "scenario.config.mjs",
] as const;

/**
 * The environment variable `scenarioVitest()` sets for the test workers: the absolute path of the
 * project's `scenario.config.*`, so the setup entry and the reporter read the same file.
 */
export const SCENARIO_CONFIG_ENV = "SCENARIO_VITEST_CONFIG";

/** A project config and where it came from. */
export interface LoadedScenarioConfig {
  /** The config (empty without a file). */
  config: ScenarioProjectConfig;
  /** The file's absolute path, when there is one. */
  file?: string;
  /** The folder relative paths in the config start from: the file's, else the search folder. */
  rootDir: string;
}

/** The `scenario.config.*` directly in `directory`, if any. */
export function findScenarioConfigFile(directory: string): string | undefined {
  return SCENARIO_CONFIG_FILE_NAMES.map((name) => join(directory, name)).find((path) => existsSync(path));
}

/**
 * Loads `file` (or the `scenario.config.*` found in `cwd`) with `importModule` and checks the keys
 * that matter inside vitest. Inside vitest the file is imported through vite, so TypeScript needs
 * no loader. The CLI validates every key strictly; here a wrong type of a key this package uses
 * is reported with the file and the fix.
 */
export async function loadScenarioConfig(options: {
  cwd: string;
  file?: string;
  /** Imports a module by absolute path: vite's module runner inside vitest. */
  importModule: (path: string) => Promise<unknown>;
}): Promise<LoadedScenarioConfig> {
  const file = options.file ? resolve(options.cwd, options.file) : findScenarioConfigFile(options.cwd);
  if (file === undefined) return { config: {}, rootDir: options.cwd };
  if (!existsSync(file)) {
    throw new ConfigurationError(
      `Scenario config ${file} does not exist. Check the configFile option of scenarioVitest().`,
    );
  }
  let exported: unknown;
  try {
    const namespace = (await options.importModule(file)) as Record<string, unknown>;
    exported =
      namespace !== null && typeof namespace === "object" && "default" in namespace
        ? namespace.default
        : namespace;
  } catch (error) {
    throw new ConfigurationError(
      `Could not load the Scenario config ${file}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const problems = describeProblems(exported);
  if (problems.length > 0) {
    throw new ConfigurationError(
      `Invalid Scenario config in ${file}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}\n` +
        "Fix these keys (see defineConfig in @scenario/kit; `scenario run` checks every key).",
    );
  }
  return { config: exported as ScenarioProjectConfig, file, rootDir: dirname(file) };
}

function describeProblems(value: unknown): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return ["the default export must be an object: export default defineConfig({ ... })"];
  }
  const config = value as Record<string, unknown>;
  const problems: string[] = [];
  const { maxTurns, reporters, outputDir, cacheDir, cacheMode } = config;
  if (maxTurns !== undefined && (!Number.isInteger(maxTurns) || (maxTurns as number) < 1)) {
    problems.push(`maxTurns: expected a whole number of at least 1, got ${JSON.stringify(maxTurns)}`);
  }
  if (reporters !== undefined && !Array.isArray(reporters)) {
    problems.push('reporters: expected an array such as ["console", "jsonl", "junit", "html"]');
  }
  for (const [key, entry] of Object.entries({ outputDir, cacheDir, cacheMode })) {
    if (entry !== undefined && (typeof entry !== "string" || entry === "")) {
      problems.push(`${key}: expected a non-empty string, got ${JSON.stringify(entry)}`);
    }
  }
  return problems;
}
