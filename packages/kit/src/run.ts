import { run as runInCore, type ScenarioExecutionOptions } from "@scenario/core";
import type { ScenarioConfig, ScenarioResult } from "@scenario/spec";
import { type ColoredConsoleOptions, withColoredConsole } from "./colored-console";

/**
 * Runs one scenario as `@scenario/core`'s `run()` does, with kit's coloured verbose output
 * (`verbose: true`) and debug prompt (`debug: true`). Rejects with the original error when a script
 * step throws or an agent fails; resolves with `status: "CANCELLED"` when `config.signal` aborts.
 *
 * @param options Where verbose and debug mode read and write, your own `verbosePrinter` or
 * `debugPrompt`, and `colors` to force colours on or off.
 * @example
 * const result = await run({
 *   name: "weather",
 *   description: "The user asks for the weather in Paris",
 *   agents: [weatherAgent, userSimulatorAgent(), judgeAgent({ criteria: ["Gives a forecast"] })],
 *   verbose: true,
 * });
 */
export function run(
  config: ScenarioConfig,
  options: ScenarioExecutionOptions & ColoredConsoleOptions = {},
): Promise<ScenarioResult> {
  return runInCore(config, withColoredConsole(options));
}
