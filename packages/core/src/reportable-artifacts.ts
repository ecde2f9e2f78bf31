import type { JSONValue } from "@scenario/spec";

/**
 * The artifacts a run-finished event may carry: those whose value is plain JSON all the way down
 * (objects, arrays, strings, finite numbers, booleans, null). An artifact holding anything else (a
 * recording's bytes, a class instance, a function) stays on `ScenarioResult.artifacts` only, so
 * events stay small and serialisable. Undefined when none qualifies.
 */
export function reportableArtifacts(
  artifacts: Record<string, unknown>,
): Record<string, JSONValue> | undefined {
  const reportable: Record<string, JSONValue> = {};
  for (const [key, value] of Object.entries(artifacts)) {
    if (isPlainJson(value, 0)) reportable[key] = value;
  }
  return Object.keys(reportable).length > 0 ? reportable : undefined;
}

/** `{ artifacts }` for a run-finished event, or nothing when no artifact is JSON-safe. */
export function withReportableArtifacts(artifacts: Record<string, unknown>): {
  artifacts?: Record<string, JSONValue>;
} {
  const reportable = reportableArtifacts(artifacts);
  return reportable === undefined ? {} : { artifacts: reportable };
}

// Deep enough for any report structure; deeper values are more likely a cycle than data.
const MAX_DEPTH = 32;

function isPlainJson(value: unknown, depth: number): value is JSONValue {
  if (depth > MAX_DEPTH) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isPlainJson(item, depth + 1));
  if (typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value).every((item) => item === undefined || isPlainJson(item, depth + 1));
}
