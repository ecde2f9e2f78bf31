import { describe, expect, it } from "vitest";
import { parseDuration } from "./parse-duration";

describe("parseDuration", () => {
  it.each([
    ["90000", 90_000],
    ["0", 0],
    ["500ms", 500],
    ["90s", 90_000],
    ["1.5s", 1500],
    ["5m", 300_000],
    ["5min", 300_000],
    ["1h", 3_600_000],
    [" 2 S ", 2000],
  ])("reads %s as %d ms", (text, milliseconds) => {
    expect(parseDuration(text)).toBe(milliseconds);
  });

  it.each([["soon"], [""], ["-5s"], ["5 days"], ["1e3"]])("rejects %j, naming the forms it takes", (text) => {
    expect(() => parseDuration(text)).toThrow(
      `--timeout takes milliseconds or a duration such as 90s, 5m or 1h (0 turns the deadline off), got "${text}".`,
    );
  });
});
