import { ConfigurationError } from "@scenario/spec";

/** A JSON object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Throws a ConfigurationError naming the option unless `value` is a finite number of milliseconds
 * >= 0. `undefined` (not given) and functions (a delay computed per use) pass.
 */
export function checkNonNegativeMs(
  name: string,
  value: number | ((...args: never[]) => number) | undefined,
): void {
  if (value === undefined || typeof value === "function") return;
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new ConfigurationError(
      `\`${name}\` must be a finite number of milliseconds >= 0, got ${String(value)}.`,
    );
  }
}
