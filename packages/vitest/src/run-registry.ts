import { type ScenarioEvent, ScenarioEventType } from "@scenario/spec";

/** The key of a vitest task's `meta` under which the scenario runs of that test travel to the reporter. */
export const SCENARIO_RUNS_META_KEY = "scenarioRuns";

// On globalThis because each entry point (index, setup, suite) is bundled on its own: the matchers
// of one must see the turns recorded by another in the same worker.
const TURNS_SLOT = Symbol.for("@scenario/vitest.turns");

type GlobalWithTurns = typeof globalThis & { [TURNS_SLOT]?: Map<string, number> };

function turnsByRun(): Map<string, number> {
  const holder = globalThis as GlobalWithTurns;
  holder[TURNS_SLOT] ??= new Map();
  return holder[TURNS_SLOT];
}

/**
 * Remembers how many turns a captured run took (its last snapshot's turn, counted from 1, as the
 * reports count them), so `toHaveEndedWithin` can use the executor's own count.
 */
export function recordRunTurns(events: readonly ScenarioEvent[]): void {
  let runId: string | undefined;
  let turns: number | undefined;
  for (const event of events) {
    runId = event.scenarioRunId;
    if (event.type === ScenarioEventType.MESSAGE_SNAPSHOT && event.turn !== undefined) turns = event.turn + 1;
  }
  if (runId !== undefined && turns !== undefined) turnsByRun().set(runId, turns);
}

/** The turns recorded for a run by `recordRunTurns`, when it was captured. */
export function recordedTurns(runId: string): number | undefined {
  return turnsByRun().get(runId);
}

/** The runs a test's `meta` carries: one list of events per run. */
export function scenarioRunsOf(meta: unknown): ScenarioEvent[][] {
  if (typeof meta !== "object" || meta === null) return [];
  const runs = (meta as Record<string, unknown>)[SCENARIO_RUNS_META_KEY];
  return Array.isArray(runs) ? (runs.filter(Array.isArray) as ScenarioEvent[][]) : [];
}

/** Adds one run's events to a test's `meta`, beside the runs recorded before it. */
export function addScenarioRun(meta: object, events: readonly ScenarioEvent[]): void {
  const record = meta as Record<string, unknown>;
  record[SCENARIO_RUNS_META_KEY] = [...scenarioRunsOf(meta), [...events]];
}
