import { createRequire } from "node:module";
import { ConfigurationError } from "@scenario/spec";

const localRequire = createRequire(import.meta.url);

/**
 * Loads an optional peer of `@scenario/tracing`, or throws a `ConfigurationError` that names the
 * package and the install command. `what` says which feature needs it.
 */
export function loadOptionalPeer<T>(packageName: string, what: string, load = localRequire): T {
  try {
    return load(packageName) as T;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== "MODULE_NOT_FOUND" && code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new ConfigurationError(
      `${what} needs the optional package ${packageName}, which is not installed: run \`npm install -D ${packageName}\`.`,
      { cause: error },
    );
  }
}
