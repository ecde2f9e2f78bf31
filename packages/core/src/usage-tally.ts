import type { AgentRole, RoleUsage, ScenarioUsage, TokenUsage, UsagePricer } from "@scenario/spec";

interface RoleTally {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cachedInputTokens: number;
  /** The summed cost of the calls whose price was known. */
  pricedCostUsd: number;
  /** Set once a call could not be priced: the role's cost is then unknown. */
  unpriced: boolean;
}

/**
 * Sums the token usage agents report, per role, and prices each call with `priceUsage` when one is
 * given (the kit passes `@scenario/llm`'s; core knows no prices). Without it, costs are left out.
 */
export class UsageTally {
  private readonly byRole = new Map<AgentRole, RoleTally>();

  /** @param priceUsage Prices one call, or returns undefined when its model's price is unknown. */
  constructor(private readonly priceUsage?: UsagePricer) {}

  /** Adds one model call's usage to a role's total; missing counts are zero. */
  record(role: AgentRole, usage: TokenUsage): void {
    if (usage === null || typeof usage !== "object") return;
    const inputTokens = count(usage.inputTokens);
    const outputTokens = count(usage.outputTokens);
    const totalTokens =
      usage.totalTokens === undefined || !Number.isFinite(usage.totalTokens)
        ? inputTokens + outputTokens
        : count(usage.totalTokens);
    const current = this.byRole.get(role) ?? {
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
      cachedInputTokens: 0,
      pricedCostUsd: 0,
      unpriced: false,
    };
    current.inputTokens += inputTokens;
    current.outputTokens += outputTokens;
    current.totalTokens += totalTokens;
    current.cachedInputTokens += count(usage.cachedInputTokens);
    if (this.priceUsage) {
      const cost = this.safePrice(usage);
      if (cost === undefined) current.unpriced = true;
      else current.pricedCostUsd += cost;
    }
    this.byRole.set(role, current);
  }

  /** Tokens used so far, all roles. */
  totalTokens(): number {
    let total = 0;
    for (const tally of this.byRole.values()) total += tally.totalTokens;
    return total;
  }

  /** The cost of the calls priced so far, all roles: a lower bound when some had no known price. */
  pricedCostUsd(): number {
    let total = 0;
    for (const tally of this.byRole.values()) total += tally.pricedCostUsd;
    return total;
  }

  /** The totals so far, overall and per role that reported any. */
  summary(): ScenarioUsage {
    const usage: ScenarioUsage = { inputTokens: 0, outputTokens: 0, totalTokens: 0, byRole: {} };
    let cachedInputTokens = 0;
    let costUsd: number | undefined = this.priceUsage ? 0 : undefined;
    for (const [role, tally] of this.byRole) {
      usage.inputTokens += tally.inputTokens;
      usage.outputTokens += tally.outputTokens;
      usage.totalTokens += tally.totalTokens;
      cachedInputTokens += tally.cachedInputTokens;
      const roleUsage: RoleUsage = {
        inputTokens: tally.inputTokens,
        outputTokens: tally.outputTokens,
        totalTokens: tally.totalTokens,
      };
      if (tally.cachedInputTokens > 0) roleUsage.cachedInputTokens = tally.cachedInputTokens;
      if (this.priceUsage && !tally.unpriced) roleUsage.costUsd = tally.pricedCostUsd;
      // One role of unknown cost makes the total unknown: a partial sum would read as the whole.
      costUsd =
        costUsd === undefined || roleUsage.costUsd === undefined ? undefined : costUsd + roleUsage.costUsd;
      usage.byRole[role] = roleUsage;
    }
    if (cachedInputTokens > 0) usage.cachedInputTokens = cachedInputTokens;
    if (costUsd !== undefined) usage.costUsd = costUsd;
    return usage;
  }

  // A pricer that throws must not break the run: the call's cost is then unknown.
  private safePrice(usage: TokenUsage): number | undefined {
    try {
      const cost = this.priceUsage?.(usage);
      return typeof cost === "number" && Number.isFinite(cost) && cost >= 0 ? cost : undefined;
    } catch {
      return undefined;
    }
  }
}

function count(value: number | undefined): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}
