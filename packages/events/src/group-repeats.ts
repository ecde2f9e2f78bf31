import type { ReportRun } from "./collect-runs";

/** A scenario that ran more than once in the report (`--repeat`), as the HTML report heads its runs. */
export interface RepeatGroup {
  /** The scenario's id. */
  scenarioId: string;
  /** Its name. */
  name: string;
  /** How many times it ran. */
  runs: number;
  /** How many of those runs passed. */
  passed: number;
}

/** A run with its place among the runs of its scenario, when that scenario ran more than once. */
export type NumberedRun<T extends ReportRun> = T & { repeat?: { number: number; of: number } };

/**
 * Puts the runs of each scenario next to each other (scenarios in the order they first ran, runs
 * by start time) and numbers the runs of every scenario that ran more than once, so the report can
 * show repeats as one group with pass^k instead of identical flat rows.
 */
export function groupRepeats<T extends ReportRun>(
  runs: readonly T[],
): { runs: NumberedRun<T>[]; groups: RepeatGroup[] } {
  const byScenario = new Map<string, T[]>();
  for (const run of runs) {
    const list = byScenario.get(run.scenarioId) ?? [];
    list.push(run);
    byScenario.set(run.scenarioId, list);
  }
  const ordered: NumberedRun<T>[] = [];
  const groups: RepeatGroup[] = [];
  for (const [scenarioId, list] of byScenario) {
    if (list.length === 1) {
      ordered.push(list[0]!);
      continue;
    }
    const sorted = [...list].sort((left, right) => (left.startedAt ?? 0) - (right.startedAt ?? 0));
    for (const [index, run] of sorted.entries()) {
      ordered.push({ ...run, repeat: { number: index + 1, of: sorted.length } });
    }
    groups.push({
      scenarioId,
      name: sorted[0]!.name,
      runs: sorted.length,
      passed: sorted.filter((run) => run.status === "SUCCESS").length,
    });
  }
  return { runs: ordered, groups };
}
