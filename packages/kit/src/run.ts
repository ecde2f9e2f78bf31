import { run as runInCore, type ScenarioExecutionOptions } from "@scenario/core";
import type { ScenarioConfig, ScenarioResult } from "@scenario/spec";
import type { ColoredConsoleOptions } from "./colored-console";
import { withPricing } from "./with-pricing";

/**
 * Runs one scenario as `@scenario/core`'s `run()` does, with kit's coloured verbose output
 * (`verbose: true`) and debug prompt (`debug: true`). Rejects with the original error when a script
 * step throws or an agent fails; resolves with `status: "CANCELLED"` when `config.signal` aborts.
 *
 * @param options Where verbose and debug mode read and write, your own `verbosePrinter` or
 * `debugPrompt`, `colors` to force colours on or off, and `priceUsage` to replace the price table
 * (by default the result's usage is priced with `@scenario/llm`'s, custom `prices` over it).
 * @example
 * const result = await run({
 *   name: "weather",
 *   description: "The user asks for the weather in Paris",
 *   agents: [weatherAgent, userSimulatorAgent(), judgeAgent({ criteria: ["Gives a forecast"] })],
 *   verbose: true,
 * });
 */
export async function run(
  config: ScenarioConfig,
  options: ScenarioExecutionOptions & ColoredConsoleOptions = {},
): Promise<ScenarioResult> {
  return runInCore(config, await withPricing(options));
}
