import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { DEFAULT_OUTPUT_DIR } from "@scenario/events";
import type { ScenarioProjectConfig } from "@scenario/kit";
import { ConfigurationError } from "@scenario/spec";
import { describeConfigIssues, projectConfigSchema } from "./config-schema";
import type { ModuleLoader } from "./module-loader";

/** The names a config file is looked up by, in order. */
export const CONFIG_FILE_NAMES = [
  "scenario.config.ts",
  "scenario.config.mts",
  "scenario.config.js",
  "scenario.config.mjs",
];

/** A validated project configuration and where it came from. */
export interface LoadedProjectConfig {
  /** The validated configuration (empty without a file). */
  config: ScenarioProjectConfig;
  /** The config file's absolute path, when there is one. */
  file?: string;
  /** The directory paths in the config are relative to: the file's, else the working directory. */
  rootDir: string;
}

/**
 * Finds (`scenario.config.*` in `cwd`, or `configPath`), loads and strictly validates the project
 * configuration. Throws a `ConfigurationError` naming the file and every bad key.
 */
export async function loadProjectConfig(options: {
  cwd: string;
  configPath?: string;
  load: ModuleLoader;
}): Promise<LoadedProjectConfig> {
  const file = options.configPath
    ? resolve(options.cwd, options.configPath)
    : CONFIG_FILE_NAMES.map((name) => resolve(options.cwd, name)).find((candidate) => existsSync(candidate));
  if (!file) return { config: {}, rootDir: options.cwd };
  const shown = relative(options.cwd, file) || file;
  if (!existsSync(file)) {
    throw new ConfigurationError(`Config file ${shown} does not exist. Check the --config path.`);
  }
  let exported: unknown;
  try {
    const module = await options.load(file);
    exported = "default" in module ? module.default : module;
  } catch (error) {
    throw new ConfigurationError(`Could not load config file ${file}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const parsed = projectConfigSchema.safeParse(exported);
  if (!parsed.success) {
    const problems = describeConfigIssues(parsed.error.issues);
    throw new ConfigurationError(
      `Invalid config in ${file}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}\n` +
        "Fix these keys in the config file (see `defineConfig` in @scenario/kit for every option).",
    );
  }
  return { config: parsed.data as ScenarioProjectConfig, file, rootDir: dirname(file) };
}

/** The absolute folder the file reports go to under this config: its `outputDir`, else the default. */
export function configOutputDir(loaded: Pick<LoadedProjectConfig, "config" | "rootDir">): string {
  return resolve(loaded.rootDir, loaded.config.outputDir ?? DEFAULT_OUTPUT_DIR);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
