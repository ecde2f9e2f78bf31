import { existsSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { ConfigurationError } from "@scenario/spec";
import { glob } from "tinyglobby";

/** The scenario files found when neither the config nor the command line says otherwise. */
export const DEFAULT_TEST_MATCH = ["**/*.scenario.{ts,mts,js,mjs}"];

/** Folders never searched: dependencies and build or report output. */
export const ALWAYS_IGNORED = ["**/node_modules/**", "**/dist/**", "**/.turbo/**", "**/.scenario/**"];

/** Options of `discoverScenarioFiles()`. */
export interface DiscoverOptions {
  /** The working directory: command-line paths are relative to it. */
  cwd: string;
  /** The project root: `testMatch` globs are relative to it. */
  rootDir: string;
  /** Files, folders or globs from the command line; empty means the whole project. */
  paths: readonly string[];
  /** Globs of scenario files. @default DEFAULT_TEST_MATCH */
  testMatch?: readonly string[];
  /** Globs to skip, added to `ALWAYS_IGNORED`. */
  testIgnore?: readonly string[];
}

/**
 * Finds scenario files: a named file is taken as is, a folder is searched with `testMatch`, and
 * anything else is a glob. Returns absolute paths, sorted. Throws a `ConfigurationError` for a
 * path that matches nothing.
 */
export async function discoverScenarioFiles(options: DiscoverOptions): Promise<string[]> {
  const testMatch =
    options.testMatch && options.testMatch.length > 0 ? options.testMatch : DEFAULT_TEST_MATCH;
  const ignore = [...ALWAYS_IGNORED, ...(options.testIgnore ?? [])];
  const found = new Set<string>();
  const search = async (cwd: string, patterns: readonly string[]) => {
    for (const file of await glob([...patterns], { cwd, ignore, absolute: true, dot: false }))
      found.add(resolve(file));
  };

  if (options.paths.length === 0) {
    await search(options.rootDir, testMatch);
    return [...found].sort();
  }
  const unmatched: string[] = [];
  for (const path of options.paths) {
    const absolute = isAbsolute(path) ? path : resolve(options.cwd, path);
    const before = found.size;
    if (existsSync(absolute) && statSync(absolute).isFile()) {
      found.add(absolute);
    } else if (existsSync(absolute) && statSync(absolute).isDirectory()) {
      await search(absolute, testMatch);
    } else {
      await search(options.cwd, [path]);
    }
    if (found.size === before) unmatched.push(path);
  }
  if (unmatched.length > 0) {
    throw new ConfigurationError(
      `No scenario files match ${unmatched.map((path) => `"${path}"`).join(", ")} (looked for ${testMatch.join(", ")} ` +
        `from ${relative(process.cwd(), options.cwd) || "."}). Pass an existing file, a folder, or a glob such as "scenarios/**/*.scenario.ts".`,
    );
  }
  return [...found].sort();
}
