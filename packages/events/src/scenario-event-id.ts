import { createHash } from "node:crypto";
import type { ScenarioEvent } from "@scenario/spec";

/**
 * The stable id of an event: its own `eventId` when the emitter set one, otherwise a hash of its
 * content (keys sorted, `eventId` left out). The same event always gets the same id, in any
 * process, so a collector can drop a copy the HTTP reporter resent after an unanswered request.
 */
export function scenarioEventId(event: ScenarioEvent): string {
  if (typeof event.eventId === "string" && event.eventId !== "") return event.eventId;
  const { eventId: _ignored, ...content } = event;
  return `evt_${createHash("sha256").update(stableJson(content)).digest("hex").slice(0, 32)}`;
}

// Key order depends on who built the object (a schema parse reorders keys); the id must not.
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${stableJson(field)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
