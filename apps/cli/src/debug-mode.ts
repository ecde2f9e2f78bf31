import { ConfigurationError } from "@scenario/spec";
import type { CliIO } from "./cli-io";

/** Where debug mode was asked for, for the error message when it cannot run. */
export interface DebugRequest {
  /** `--debug` was given. */
  flag?: boolean | undefined;
  /** `debug: true` in scenario.config.ts. */
  config?: boolean | undefined;
  /** Names of the selected scenarios whose definition says `debug: true`. */
  scenarios?: readonly string[] | undefined;
}

/** True for the values of an environment switch that mean "on" (`1`, `true`, `yes`). */
export function isEnvSwitchOn(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

/**
 * Whether this run steps through its scenarios by hand: `--debug`, `debug: true` in the config,
 * `SCENARIO_DEBUG=1`, or a selected scenario defined with `debug: true`. Debug mode asks at the
 * terminal for the user's lines, so it needs one: without a terminal on stdin and stdout it throws
 * a `ConfigurationError` (exit 2) saying where debug mode was turned on, rather than waiting for
 * input that never comes.
 */
export function resolveDebugMode(request: DebugRequest, io: CliIO): boolean {
  const sources: string[] = [];
  if (request.flag) sources.push("--debug");
  if (request.config) sources.push("debug: true in scenario.config.ts");
  if (isEnvSwitchOn(io.env.SCENARIO_DEBUG)) sources.push("SCENARIO_DEBUG");
  for (const name of request.scenarios ?? []) sources.push(`debug: true in the scenario "${name}"`);
  if (sources.length === 0) return false;
  if (!io.stdin?.isTTY || !io.stdout.isTTY) {
    throw new ConfigurationError(
      `Debug mode (turned on by ${sources.join(", ")}) needs an interactive terminal to type the user's lines in, ` +
        "but stdin or stdout is not one (piped, redirected or CI). Run `scenario run --debug` in a terminal, " +
        "or turn debug mode off.",
    );
  }
  return true;
}
