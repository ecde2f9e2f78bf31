import type { ScenarioRunFinishedEvent } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { fakeRunEvents } from "../test/fixtures";
import { summarizeRuns } from "./index";

function finished(options: Parameters<typeof fakeRunEvents>[0]): ScenarioRunFinishedEvent {
  return fakeRunEvents(options).at(-1) as ScenarioRunFinishedEvent;
}

describe("summarizeRuns", () => {
  it("counts runs by status, sums tokens and finds flaky scenarios", () => {
    const runs = [
      finished({ runId: "1", scenarioId: "a", status: "SUCCESS", startedAt: 10_000, totalTimeMs: 1000 }),
      finished({ runId: "2", scenarioId: "a", status: "FAILED", startedAt: 10_500, totalTimeMs: 1000 }),
      finished({ runId: "3", scenarioId: "b", status: "SUCCESS", startedAt: 9000, totalTimeMs: 500 }),
      finished({ runId: "4", scenarioId: "b", status: "CANCELLED", startedAt: 12_000, totalTimeMs: 3000 }),
      finished({ runId: "5", scenarioId: "c", status: "ERROR", startedAt: 9500, totalTimeMs: 100 }),
      finished({ runId: "6", scenarioId: "c", status: "SUCCESS", startedAt: 9500, totalTimeMs: 100 }),
      finished({ runId: "7", scenarioId: "d", status: "FAILED", startedAt: 9500, totalTimeMs: 100 }),
    ];
    const summary = summarizeRuns(runs);
    expect(summary.counts).toEqual({ total: 7, passed: 3, failed: 2, errored: 1, cancelled: 1 });
    expect(summary.flaky).toEqual(["a", "c"]);
    expect(summary.usage).toEqual({ inputTokens: 700, outputTokens: 140, totalTokens: 840 });
    expect(summary.durationMs).toBe(15_000 - 9000);
    expect(summary.batchRunId).toBe("batch-run-test");
    expect(summary.runs).toEqual(runs);
  });

  it("takes the batch id and duration when given, and handles no runs", () => {
    expect(summarizeRuns([], { batchRunId: "b-1", durationMs: 42 })).toMatchObject({
      batchRunId: "b-1",
      durationMs: 42,
      counts: { total: 0, passed: 0, failed: 0, errored: 0, cancelled: 0 },
      flaky: [],
    });
    expect(summarizeRuns([]).durationMs).toBe(0);
  });
});
