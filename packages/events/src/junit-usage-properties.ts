import type { ScenarioUsage } from "@scenario/spec";
import { USAGE_ROLES } from "./sum-suite-cost";

/**
 * A run's tokens and cost as JUnit `<property>` name/value pairs (`usage.costUsd`,
 * `usage.Agent.totalTokens`…); a cost whose price is unknown is `unknown`, never a number.
 */
export function junitUsageProperties(usage: ScenarioUsage | undefined): Array<[name: string, value: string]> {
  if (!usage || usage.totalTokens === 0) return [];
  const properties: Array<[string, string]> = [
    ["usage.totalTokens", String(usage.totalTokens)],
    ["usage.inputTokens", String(usage.inputTokens)],
    ["usage.outputTokens", String(usage.outputTokens)],
    ["usage.costUsd", costValue(usage.costUsd)],
  ];
  for (const role of USAGE_ROLES) {
    const roleUsage = usage.byRole[role];
    if (!roleUsage) continue;
    properties.push([`usage.${role}.totalTokens`, String(roleUsage.totalTokens)]);
    properties.push([`usage.${role}.costUsd`, costValue(roleUsage.costUsd)]);
  }
  return properties;
}

function costValue(costUsd: number | undefined): string {
  return costUsd === undefined ? "unknown" : String(costUsd);
}
