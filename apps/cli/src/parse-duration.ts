const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/**
 * Reads a duration as `scenario run --timeout` takes it: plain milliseconds (`90000`) or a number
 * with a unit (`500ms`, `90s`, `1.5m`, `5min`, `1h`). Returns milliseconds (0 stays 0: no deadline).
 * @throws Error naming the accepted forms.
 */
export function parseDuration(value: string, flag = "--timeout"): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/i.exec(value);
  const amount = match ? Number(match[1]) : Number.NaN;
  const unit = UNIT_MS[(match?.[2] ?? "ms").toLowerCase()] ?? Number.NaN;
  const milliseconds = Math.round(amount * unit);
  if (!Number.isSafeInteger(milliseconds)) {
    throw new Error(
      `${flag} takes milliseconds or a duration such as 90s, 5m or 1h (0 turns the deadline off), got "${value}".`,
    );
  }
  return milliseconds;
}
