import type { ScenarioEvent } from "@scenario/spec";

// Events are validated once, where they enter: the bus checks what is published to it from
// outside and trusts what core emits. The reporters of this package then skip their own check for
// the events the bus handed them, instead of running the schema again on every event.
const trusted = new WeakSet<object>();

/** Marks an event as checked (or emitted by core), so reporters need not validate it again. */
export function markTrustedEvent(event: ScenarioEvent): void {
  trusted.add(event);
}

/** True when the bus already checked this very object (or core emitted it). */
export function isTrustedEvent(event: unknown): event is ScenarioEvent {
  return typeof event === "object" && event !== null && trusted.has(event);
}
