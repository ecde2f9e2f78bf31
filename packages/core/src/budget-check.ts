import { ConfigurationError, formatUsd, type ScenarioBudget } from "@scenario/spec";
import { describeValue } from "./describe-value";

/** What a run has spent so far, at one budget check. */
export interface BudgetSpend {
  /** The cost of the calls priced so far, in US dollars. */
  costUsd: number;
  /** Tokens used so far, all roles. */
  totalTokens: number;
  /** Milliseconds since the run started. */
  elapsedMs: number;
}

const BUDGET_KEYS = ["maxCostUsd", "maxTokens", "maxDurationMs"] as const;

/**
 * Checks a scenario's `budget` up front: an object of positive numbers under known keys (and whole
 * numbers for tokens and milliseconds).
 */
export function validateBudget(label: string, budget: unknown): asserts budget is ScenarioBudget {
  if (budget === null || typeof budget !== "object" || Array.isArray(budget)) {
    throw new ConfigurationError(
      `${label}: \`budget\` must be an object such as { maxCostUsd: 0.5, maxTokens: 50000, maxDurationMs: 120000 }, got ${describeValue(budget)}.`,
    );
  }
  for (const key of Object.keys(budget)) {
    if (!(BUDGET_KEYS as readonly string[]).includes(key)) {
      throw new ConfigurationError(
        `${label}: unknown key "budget.${key}". Known keys: ${BUDGET_KEYS.join(", ")}.`,
      );
    }
  }
  for (const key of BUDGET_KEYS) {
    const value = (budget as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const whole = key !== "maxCostUsd";
    if (
      typeof value !== "number" ||
      !Number.isFinite(value) ||
      value <= 0 ||
      (whole && !Number.isInteger(value))
    ) {
      throw new ConfigurationError(
        `${label}: \`budget.${key}\` must be a positive ${whole ? "whole number" : "number"}, got ${describeValue(value)}.`,
      );
    }
  }
}

/** The reason the run is over its budget, naming the budget and the figure reached; undefined within it. */
export function budgetExceededReason(
  budget: ScenarioBudget | undefined,
  spend: BudgetSpend,
): string | undefined {
  if (!budget) return undefined;
  if (budget.maxCostUsd !== undefined && spend.costUsd > budget.maxCostUsd) {
    return `Budget exceeded: the run cost ${formatUsd(spend.costUsd)}, over its budget.maxCostUsd of ${formatUsd(budget.maxCostUsd)}.`;
  }
  if (budget.maxTokens !== undefined && spend.totalTokens > budget.maxTokens) {
    return `Budget exceeded: the run used ${spend.totalTokens} tokens, over its budget.maxTokens of ${budget.maxTokens}.`;
  }
  if (budget.maxDurationMs !== undefined && spend.elapsedMs > budget.maxDurationMs) {
    return `Budget exceeded: the run took ${Math.round(spend.elapsedMs)} ms, over its budget.maxDurationMs of ${budget.maxDurationMs} ms.`;
  }
  return undefined;
}
