import { describe, expect, it } from "vitest";
import { describeConfigIssues, projectConfigSchema } from "./config-schema";

function problems(config: unknown): string[] {
  const parsed = projectConfigSchema.safeParse(config);
  return parsed.success ? [] : describeConfigIssues(parsed.error.issues);
}

describe("timeout and retry in scenario.config.ts", () => {
  it("accepts a scenario timeout and every retry setting", () => {
    expect(
      problems({
        timeout: 0,
        retry: { maxAttempts: 2, timeoutMs: 30_000, initialDelayMs: 0, maxDelayMs: 5000 },
      }),
    ).toEqual([]);
    expect(problems({ timeout: 120_000, retry: {} })).toEqual([]);
  });

  it("names a wrong timeout and what it takes", () => {
    expect(problems({ timeout: -1 })).toEqual([
      '"timeout": expected 0 or more milliseconds (0 turns the deadline off)',
    ]);
    expect(problems({ timeout: "90s" })).toEqual([
      '"timeout": expected a number of milliseconds (300000 is 5 minutes; 0 turns the deadline off)',
    ]);
  });

  it("names a misspelt or wrong retry setting", () => {
    expect(problems({ retry: { maxAttemps: 3 } })).toEqual([
      'unknown key "retry.maxAttemps" in "retry": remove it or fix its spelling.',
    ]);
    expect(problems({ retry: { maxAttempts: 0 } })).toEqual([
      '"retry.maxAttempts": expected at least 1 (attempts, the first included)',
    ]);
    expect(problems({ retry: { timeoutMs: 1.5 } })).toEqual([
      '"retry.timeoutMs": expected a whole number (milliseconds per attempt)',
    ]);
  });
});
