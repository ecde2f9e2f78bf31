import { formatUsd } from "@scenario/events";
import type { ScenarioEvent, SuiteBudget } from "@scenario/spec";
import { ScenarioEventType } from "@scenario/spec";

/** Where a suite budget's limits come from, for the reason shown when one is reached. */
export interface SuiteBudgetSources {
  /** `--max-cost`, else the config's `suiteBudget.maxCostUsd`. */
  maxCostUsd?: { value: number; source: string } | undefined;
  /** `--max-tokens`, else the config's `suiteBudget.maxTokens`. */
  maxTokens?: { value: number; source: string } | undefined;
}

/** The suite budget of `scenario run`: flags over `suiteBudget` in the config, each with its source. */
export function resolveSuiteBudget(
  flags: { maxCostUsd?: number | undefined; maxTokens?: number | undefined },
  config: SuiteBudget | undefined,
): SuiteBudgetSources {
  const pick = (flag: number | undefined, flagName: string, fromConfig: number | undefined, key: string) =>
    flag !== undefined
      ? { value: flag, source: flagName }
      : fromConfig !== undefined
        ? { value: fromConfig, source: `suiteBudget.${key} in scenario.config.ts` }
        : undefined;
  return {
    maxCostUsd: pick(flags.maxCostUsd, "--max-cost", config?.maxCostUsd, "maxCostUsd"),
    maxTokens: pick(flags.maxTokens, "--max-tokens", config?.maxTokens, "maxTokens"),
  };
}

/**
 * Sums the cost and tokens of the finished runs of a suite and says when they reach its budget.
 * Cost counts the calls whose price is known (a run of partly unknown cost adds its known part).
 */
export class SuiteBudgetTracker {
  private costUsd = 0;
  private totalTokens = 0;

  /** @param budget The limits; without any, the tracker never reports a stop. */
  constructor(private readonly budget: SuiteBudgetSources) {}

  /** True when a limit is set. */
  get active(): boolean {
    return this.budget.maxCostUsd !== undefined || this.budget.maxTokens !== undefined;
  }

  /** Adds a finished run's usage; other events are ignored. */
  record(event: ScenarioEvent): void {
    if (event.type !== ScenarioEventType.RUN_FINISHED || !event.usage) return;
    this.totalTokens += event.usage.totalTokens;
    if (event.usage.costUsd !== undefined) {
      this.costUsd += event.usage.costUsd;
      return;
    }
    for (const role of Object.values(event.usage.byRole)) this.costUsd += role?.costUsd ?? 0;
  }

  /** Why no further scenario may start, naming the budget, its source and the figure; else undefined. */
  exceededReason(): string | undefined {
    const { maxCostUsd, maxTokens } = this.budget;
    if (maxCostUsd && this.costUsd >= maxCostUsd.value) {
      return `the finished runs cost ${formatUsd(this.costUsd)}, reaching the suite budget of ${formatUsd(maxCostUsd.value)} (${maxCostUsd.source})`;
    }
    if (maxTokens && this.totalTokens >= maxTokens.value) {
      return `the finished runs used ${this.totalTokens} tokens, reaching the suite budget of ${maxTokens.value} (${maxTokens.source})`;
    }
    return undefined;
  }
}
