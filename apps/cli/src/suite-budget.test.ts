import { type ScenarioEvent, ScenarioEventType } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { projectConfigSchema } from "./config-schema";
import { resolveSuiteBudget, SuiteBudgetTracker } from "./suite-budget";

function finished(usage: Extract<ScenarioEvent, { type: "SCENARIO_RUN_FINISHED" }>["usage"]): ScenarioEvent {
  return {
    type: ScenarioEventType.RUN_FINISHED,
    timestamp: 1,
    batchRunId: "batch",
    scenarioRunId: "run",
    scenarioId: "s",
    scenarioSetId: "default",
    status: "SUCCESS",
    results: { verdict: "success", metCriteria: [], unmetCriteria: [] },
    ...(usage ? { usage } : {}),
  };
}

describe("SuiteBudgetTracker", () => {
  it("stops once the finished runs reach --max-cost, counting known costs of partly priced runs", () => {
    const tracker = new SuiteBudgetTracker(resolveSuiteBudget({ maxCostUsd: 0.01 }, { maxCostUsd: 5 }));
    tracker.record(finished({ inputTokens: 1, outputTokens: 1, totalTokens: 2, costUsd: 0.006, byRole: {} }));
    expect(tracker.exceededReason()).toBeUndefined();
    // The agent's cost is unknown; the judge's known $0.005 still counts.
    tracker.record(
      finished({
        inputTokens: 1,
        outputTokens: 1,
        totalTokens: 2,
        byRole: {
          Agent: { inputTokens: 1, outputTokens: 0, totalTokens: 1 },
          Judge: { inputTokens: 0, outputTokens: 1, totalTokens: 1, costUsd: 0.005 },
        },
      }),
    );
    expect(tracker.exceededReason()).toBe(
      "the finished runs cost $0.0110, reaching the suite budget of $0.0100 (--max-cost)",
    );
  });

  it("names the config as the source when no flag is given, and counts tokens", () => {
    const tracker = new SuiteBudgetTracker(resolveSuiteBudget({}, { maxTokens: 10 }));
    expect(tracker.active).toBe(true);
    tracker.record(finished({ inputTokens: 8, outputTokens: 4, totalTokens: 12, byRole: {} }));
    expect(tracker.exceededReason()).toBe(
      "the finished runs used 12 tokens, reaching the suite budget of 10 (suiteBudget.maxTokens in scenario.config.ts)",
    );
  });

  it("is inactive without limits", () => {
    const tracker = new SuiteBudgetTracker(resolveSuiteBudget({}, undefined));
    tracker.record(finished({ inputTokens: 8, outputTokens: 4, totalTokens: 12, costUsd: 100, byRole: {} }));
    expect(tracker.active).toBe(false);
    expect(tracker.exceededReason()).toBeUndefined();
  });
});

describe("the budget and price keys of scenario.config.ts", () => {
  it("accepts budgets and prices, and names a wrong one", () => {
    expect(
      projectConfigSchema.safeParse({
        budget: { maxCostUsd: 0.5, maxTokens: 1000, maxDurationMs: 60_000 },
        suiteBudget: { maxCostUsd: 2 },
        prices: { "my-model": { inputPerMillion: 1, outputPerMillion: 2, cachedInputPerMillion: 0.5 } },
      }).success,
    ).toBe(true);
    const wrong = projectConfigSchema.safeParse({
      budget: { maxCostUsd: 0 },
      prices: { "my-model": { inputPerMillion: 1 } },
    });
    expect(wrong.success).toBe(false);
    const messages = wrong.error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    expect(messages).toContain("budget.maxCostUsd: expected more than 0 (US dollars)");
    expect(messages).toContain(
      "prices.my-model.outputPerMillion: expected a number (dollars per million tokens)",
    );
  });
});
