import type { ScenarioExecutionOptions } from "@scenario/core";
import { getScenarioLLMConfig, loadUsagePricer } from "@scenario/llm";
import { withColoredConsole } from "./colored-console";

/**
 * The execution options of a kit run: the coloured console, and the price table so `result.usage`
 * carries the cost per role (`@scenario/llm`'s bundled prices with the project's custom `prices`
 * over them). Options that bring their own `priceUsage` keep it.
 */
export async function withPricing(
  options: Parameters<typeof withColoredConsole>[0] = {},
): Promise<ScenarioExecutionOptions> {
  const priceUsage = options.priceUsage ?? (await loadUsagePricer({ prices: getScenarioLLMConfig().prices }));
  return { ...withColoredConsole(options), priceUsage };
}
