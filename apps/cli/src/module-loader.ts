import { createJiti } from "jiti";

/** Imports a TypeScript or JavaScript module by absolute path, without a build step. */
export type ModuleLoader = (file: string) => Promise<Record<string, unknown>>;

/**
 * The loader of config and scenario files: jiti transpiles TypeScript on the fly, while packages
 * in node_modules still load natively, so a scenario file and the CLI share one copy of each
 * Scenario package (one event stream, one LLM configuration).
 */
export function createModuleLoader(): ModuleLoader {
  const jiti = createJiti(import.meta.url, { moduleCache: true, fsCache: false, interopDefault: false });
  return async (file) => (await jiti.import(file)) as Record<string, unknown>;
}
