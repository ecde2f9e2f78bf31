import type { TokenUsage } from "./agent";

/**
 * Prices one model call in US dollars from its token counts and model (`TokenUsage.modelId`),
 * or returns `undefined` when the model's price is unknown: a cost is never guessed. `@scenario/llm`'s
 * `loadUsagePricer()` makes one from a price table; the kit hands it to core, which does not know
 * prices itself.
 */
export type UsagePricer = (usage: TokenUsage) => number | undefined;

/**
 * Limits of one scenario run, checked after every agent call (the agent under test, the user
 * simulator, the judge). A run that goes over one ends with status ERROR and a reason naming the
 * budget and the figure reached. A call in flight is never cut short: the check follows it.
 */
export interface ScenarioBudget {
  /**
   * The most the run may cost, in US dollars, counting only the calls whose price is known (see
   * `ScenarioUsage.costUsd`).
   */
  maxCostUsd?: number;
  /** The most tokens (input plus output, all roles) the run may use. */
  maxTokens?: number;
  /** The most milliseconds the run may take, measured from its start at each check. */
  maxDurationMs?: number;
}

/**
 * Limits of a whole suite (one `scenario run`). When the runs finished so far reach one, no further
 * scenario is started (they are reported as not started, with the reason); runs already going
 * finish as usual.
 */
export interface SuiteBudget {
  /** The most the suite may cost, in US dollars (known prices only). */
  maxCostUsd?: number;
  /** The most tokens (input plus output, all runs) the suite may use. */
  maxTokens?: number;
}

/**
 * Dollars with three significant digits for the small sums model calls cost (`$0.000123`), cents
 * from $1: how every report and error prints a cost.
 */
export function formatUsd(value: number): string {
  if (value === 0) return "$0";
  if (value >= 1) return `$${value.toFixed(2)}`;
  // toPrecision() would switch tiny values to exponent notation.
  const decimals = Math.min(10, 2 - Math.floor(Math.log10(value)));
  return `$${value.toFixed(decimals)}`;
}
