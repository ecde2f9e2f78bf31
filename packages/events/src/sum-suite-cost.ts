import { formatUsd, type ScenarioRunFinishedEvent, type ScenarioUsage } from "@scenario/spec";

/** The roles in the order reports list them. */
export const USAGE_ROLES = ["Agent", "User", "Judge"] as const;

/** One role's tokens and cost over a set of runs. */
export interface RoleCost {
  /** Tokens, input plus output. */
  totalTokens: number;
  /** Dollars; undefined when a run's cost for the role is unknown. */
  costUsd: number | undefined;
}

/** Tokens and cost per role and in total over a suite's runs, for summaries. */
export interface SuiteCost {
  /** The roles that used any tokens. */
  byRole: Partial<Record<(typeof USAGE_ROLES)[number], RoleCost>>;
  /** All roles' tokens. */
  totalTokens: number;
  /** Dollars; undefined when any role's cost is unknown. */
  costUsd: number | undefined;
}

/**
 * Sums tokens and cost per role over `runs`. A cost is only a sum of known costs: one run whose
 * role used tokens without a known price makes that role's (and the total's) cost unknown.
 */
export function sumSuiteCost(runs: readonly Pick<ScenarioRunFinishedEvent, "usage">[]): SuiteCost {
  const result: SuiteCost = { byRole: {}, totalTokens: 0, costUsd: 0 };
  for (const run of runs) {
    for (const role of USAGE_ROLES) {
      const usage = run.usage?.byRole[role];
      if (!usage) continue;
      const current = result.byRole[role] ?? { totalTokens: 0, costUsd: 0 };
      current.totalTokens += usage.totalTokens;
      current.costUsd = addCost(current.costUsd, usage.totalTokens, usage.costUsd);
      result.byRole[role] = current;
      result.totalTokens += usage.totalTokens;
    }
  }
  for (const role of Object.values(result.byRole)) {
    result.costUsd =
      result.costUsd === undefined || role.costUsd === undefined ? undefined : result.costUsd + role.costUsd;
  }
  return result;
}

/** A run's total cost when known: its `costUsd`, else undefined unless it used no tokens. */
export function runCostUsd(usage: ScenarioUsage | undefined): number | undefined {
  if (!usage) return 0;
  if (usage.costUsd !== undefined) return usage.costUsd;
  return usage.totalTokens > 0 ? undefined : 0;
}

// Calls that used no tokens cost nothing, priced or not.
function addCost(sum: number | undefined, tokens: number, cost: number | undefined): number | undefined {
  if (sum === undefined) return undefined;
  if (cost === undefined) return tokens > 0 ? undefined : sum;
  return sum + cost;
}

export { formatUsd };

/** A cost for reports: dollars, or "cost unknown" (never a made-up number). */
export function formatCost(costUsd: number | undefined): string {
  return costUsd === undefined ? "cost unknown" : formatUsd(costUsd);
}

/**
 * The suite's cost in one line for report headers, `Cost $0.0123 (Agent $0.0100 · User $0.00130 ·
 * Judge $0.00100)`, or undefined when the runs used no tokens.
 */
export function suiteCostText(runs: readonly Pick<ScenarioRunFinishedEvent, "usage">[]): string | undefined {
  const cost = sumSuiteCost(runs);
  if (cost.totalTokens === 0) return undefined;
  const roles = USAGE_ROLES.flatMap((role) => {
    const roleCost = cost.byRole[role];
    return roleCost ? [`${role} ${formatCost(roleCost.costUsd)}`] : [];
  });
  return `Cost ${formatCost(cost.costUsd)} (${roles.join(" · ")})`;
}
