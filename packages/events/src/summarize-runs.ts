import type { ScenarioRunFinishedEvent, ScenarioRunStatus, SuiteSummary } from "@scenario/spec";
import { runCostUsd } from "./sum-suite-cost";

/** Options of `summarizeRuns()`. */
export interface SummarizeRunsOptions {
  /** The batch the runs belong to. @default the first run's `batchRunId`, or `""` without runs */
  batchRunId?: string;
  /**
   * Milliseconds the suite took. @default from the earliest run start (its finish timestamp minus
   * `totalTimeMs`) to the latest finish
   */
  durationMs?: number;
}

/**
 * Builds the suite summary handed to `onSuiteEnd` from the runs' finished events: counts by
 * status, summed tokens, and the flaky scenarios (a scenario id with both a passing and a failing
 * or erroring run).
 */
export function summarizeRuns(
  runs: readonly ScenarioRunFinishedEvent[],
  options: SummarizeRunsOptions = {},
): SuiteSummary {
  const counts = { total: runs.length, passed: 0, failed: 0, errored: 0, cancelled: 0 };
  const usage: SuiteSummary["usage"] = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  // Known only when every run's cost is: a sum that left some out would read as the whole.
  let costUsd: number | undefined = 0;
  let earliestStart = Number.POSITIVE_INFINITY;
  let latestEnd = Number.NEGATIVE_INFINITY;

  for (const run of runs) {
    switch (run.status) {
      case "SUCCESS":
        counts.passed += 1;
        break;
      case "FAILED":
        counts.failed += 1;
        break;
      case "ERROR":
        counts.errored += 1;
        break;
      case "CANCELLED":
        counts.cancelled += 1;
        break;
    }
    usage.inputTokens += run.usage?.inputTokens ?? 0;
    usage.outputTokens += run.usage?.outputTokens ?? 0;
    usage.totalTokens += run.usage?.totalTokens ?? 0;
    const runCost = runCostUsd(run.usage);
    costUsd = costUsd === undefined || runCost === undefined ? undefined : costUsd + runCost;
    earliestStart = Math.min(earliestStart, run.timestamp - (run.totalTimeMs ?? 0));
    latestEnd = Math.max(latestEnd, run.timestamp);
  }

  if (costUsd !== undefined && runs.some((run) => run.usage?.costUsd !== undefined)) usage.costUsd = costUsd;
  const durationMs = options.durationMs ?? (runs.length > 0 ? Math.max(0, latestEnd - earliestStart) : 0);
  return {
    batchRunId: options.batchRunId ?? runs[0]?.batchRunId ?? "",
    durationMs,
    runs: [...runs],
    counts,
    flaky: flakyScenarioIds(runs),
    usage,
  };
}

/**
 * The flaky scenarios, sorted: ids with both a passing run and a failing or erroring one. Cancelled
 * and unfinished runs count as neither.
 */
export function flakyScenarioIds(
  runs: readonly { scenarioId: string; status: ScenarioRunStatus | "INCOMPLETE" | "SKIPPED" }[],
): string[] {
  const passedIds = new Set<string>();
  const failedIds = new Set<string>();
  for (const run of runs) {
    if (run.status === "SUCCESS") passedIds.add(run.scenarioId);
    else if (run.status === "FAILED" || run.status === "ERROR") failedIds.add(run.scenarioId);
  }
  return [...passedIds].filter((scenarioId) => failedIds.has(scenarioId)).sort();
}
