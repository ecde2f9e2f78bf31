import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ReporterSpec } from "@scenario/spec";
import type { Plugin, ViteUserConfig } from "vitest/config";
import { findScenarioConfigFile, SCENARIO_CONFIG_ENV } from "./load-scenario-config";
import { ScenarioVitestReporter } from "./scenario-vitest-reporter";

/** Options of `scenarioVitest()`. */
export interface ScenarioVitestOptions {
  /** The project's Scenario config, relative to vitest's root. @default the `scenario.config.*` in vitest's root */
  configFile?: string;
  /** Replaces the config's `reporters` for runs inside vitest. */
  reporters?: ReporterSpec[];
  /** Where the file reports go, relative to the config's folder. @default the config's outputDir, else "scenario-reports" */
  outputDir?: string;
}

type TestConfig = NonNullable<ViteUserConfig["test"]>;

/**
 * The one line a `vitest.config.ts` needs: `plugins: [scenarioVitest()]`. It adds the setup entry
 * (matchers, and the project's `scenario.config.ts` applied in every test file), a global setup
 * that runs the config's `setup` once (and its teardown at the end), and the reporter
 * that writes Scenario's reports (next to vitest's own reporters, or to vitest's default one), and
 * gives every worker one batch id so the runs of one `vitest run` are reported as one suite.
 * A `--reporter` flag on vitest's command line replaces configured reporters, this one included.
 */
export function scenarioVitest(options: ScenarioVitestOptions = {}): Plugin {
  return {
    name: "scenario-vitest",
    config(config) {
      const root = resolve(config.root ?? process.cwd());
      config.test = addToTestConfig(config.test ?? {}, root, options);
    },
  };
}

function addToTestConfig(test: TestConfig, root: string, options: ScenarioVitestOptions): TestConfig {
  const configFile = options.configFile ? resolve(root, options.configFile) : findScenarioConfigFile(root);
  const batchRunId = process.env.SCENARIO_BATCH_RUN_ID ?? `batch-run-${randomUUID()}`;
  const reporter = new ScenarioVitestReporter({
    configFile,
    batchRunId,
    reporters: options.reporters,
    outputDir: options.outputDir,
  });
  const setupFile = entryPath("setup");
  const globalSetupFile = entryPath("global-setup");
  const env: Record<string, string> = { SCENARIO_BATCH_RUN_ID: batchRunId };
  if (configFile !== undefined) env[SCENARIO_CONFIG_ENV] = configFile;
  const inline = test.server?.deps?.inline;
  return {
    ...test,
    setupFiles: [...toArray(test.setupFiles), setupFile],
    globalSetup: [...toArray(test.globalSetup), globalSetupFile],
    reporters: test.reporters === undefined ? ["default", reporter] : [...toArray(test.reporters), reporter],
    env: { ...test.env, ...env },
    server: {
      ...test.server,
      deps: {
        ...test.server?.deps,
        // Transformed by vite, so the setup can import a scenario.config.ts on any Node version.
        inline: inline === true ? true : [...(inline ?? []), "@scenario/vitest"],
      },
    },
  };
}

// A built entry beside this module (dist/<name>.js for the ESM and the CJS build alike); the
// source file when the workspace runs from sources.
function entryPath(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, `${name}.js`), join(here, `${name}.ts`)];
  return candidates.find((candidate) => existsSync(candidate)) ?? (candidates[0] as string);
}

function toArray<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value as T];
}
