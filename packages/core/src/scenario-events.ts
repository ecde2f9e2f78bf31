import type { ScenarioEvent } from "@scenario/spec";
import { type Observable, Subject } from "rxjs";
import { GuardedObservable } from "./guarded-observable";

// Kept on globalThis so that two copies of this module (an ESM and a CJS build, or a source and a
// dist copy loaded side by side) publish to and read from one stream: a run started through one
// copy reaches the subscribers of the other. Only the subject is shared; each copy wraps it in an
// Observable of its own rxjs, so operators of that copy compose with it as usual.
const EVENTS_SLOT = Symbol.for("@scenario/core.events");

type GlobalWithEvents = typeof globalThis & { [EVENTS_SLOT]?: Subject<ScenarioEvent> };

/** The process-wide subject, created by whichever copy of this module asks first. */
function processEvents(): Subject<ScenarioEvent> {
  const holder = globalThis as GlobalWithEvents;
  holder[EVENTS_SLOT] ??= new Subject<ScenarioEvent>();
  return holder[EVENTS_SLOT];
}

/**
 * Every event of every run in this process: run started, message snapshots, run finished. It never
 * completes. Reporters subscribe to it (it fits spec's `ScenarioEventSource`); a subscriber that
 * throws is logged and never breaks a run. Runs started through another copy of this package in
 * the same process (our CJS build beside the ESM one) are included.
 */
export const scenarioEvents$: Observable<ScenarioEvent> = new GuardedObservable<ScenarioEvent>((subscriber) =>
  processEvents().subscribe(subscriber),
);

/** Feeds one event to the process-wide stream. */
export function publishScenarioEvent(event: ScenarioEvent): void {
  processEvents().next(event);
}
