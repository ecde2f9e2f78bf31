import type { AgentRole, ScenarioUsage, TokenUsage } from "@scenario/spec";

type RoleUsage = { inputTokens: number; outputTokens: number; totalTokens: number };

/** Sums the token usage agents report, per role. */
export class UsageTally {
  private readonly byRole = new Map<AgentRole, RoleUsage>();

  /** Adds one model call's usage to a role's total; missing counts are zero. */
  record(role: AgentRole, usage: TokenUsage): void {
    if (usage === null || typeof usage !== "object") return;
    const inputTokens = count(usage.inputTokens);
    const outputTokens = count(usage.outputTokens);
    const totalTokens =
      usage.totalTokens === undefined || !Number.isFinite(usage.totalTokens)
        ? inputTokens + outputTokens
        : count(usage.totalTokens);
    const current = this.byRole.get(role) ?? { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    this.byRole.set(role, {
      inputTokens: current.inputTokens + inputTokens,
      outputTokens: current.outputTokens + outputTokens,
      totalTokens: current.totalTokens + totalTokens,
    });
  }

  /** The totals so far, overall and per role that reported any. */
  summary(): ScenarioUsage {
    const usage: ScenarioUsage = { inputTokens: 0, outputTokens: 0, totalTokens: 0, byRole: {} };
    for (const [role, roleUsage] of this.byRole) {
      usage.inputTokens += roleUsage.inputTokens;
      usage.outputTokens += roleUsage.outputTokens;
      usage.totalTokens += roleUsage.totalTokens;
      usage.byRole[role] = { ...roleUsage };
    }
    return usage;
  }
}

function count(value: number | undefined): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}
