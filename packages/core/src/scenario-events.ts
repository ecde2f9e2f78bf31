import type { ScenarioEvent } from "@scenario/spec";
import { type Observable, Subject } from "rxjs";
import { GuardedObservable } from "./guarded-observable";

const processEvents = new Subject<ScenarioEvent>();

/**
 * Every event of every run in this process: run started, message snapshots, run finished. It never
 * completes. Reporters subscribe to it (it fits spec's `ScenarioEventSource`); a subscriber that
 * throws is logged and never breaks a run.
 */
export const scenarioEvents$: Observable<ScenarioEvent> = new GuardedObservable<ScenarioEvent>((subscriber) =>
  processEvents.subscribe(subscriber),
);

/** Feeds one event to the process-wide stream. */
export function publishScenarioEvent(event: ScenarioEvent): void {
  processEvents.next(event);
}
