import type { ScenarioUsage } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { fakeRunEvents } from "../test/fixtures";
import { collectRuns, renderHtmlReport, summarizeRuns, sumSuiteCost } from "./index";
import { renderJunitReport } from "./junit-reporter";
import { suiteCostText } from "./sum-suite-cost";

const priced = (agentCost: number, judgeCost: number | undefined): { usage: ScenarioUsage } => ({
  usage: {
    inputTokens: 100,
    outputTokens: 20,
    totalTokens: 120,
    ...(judgeCost === undefined ? {} : { costUsd: agentCost + judgeCost }),
    byRole: {
      Agent: { inputTokens: 60, outputTokens: 10, totalTokens: 70, costUsd: agentCost },
      Judge: {
        inputTokens: 40,
        outputTokens: 10,
        totalTokens: 50,
        ...(judgeCost === undefined ? {} : { costUsd: judgeCost }),
      },
    },
  },
});

function finishedWith(usage: ScenarioUsage, runId: string) {
  const events = fakeRunEvents({ runId });
  for (const event of events) if (event.type === "SCENARIO_RUN_FINISHED") event.usage = usage;
  return events;
}

describe("sumSuiteCost", () => {
  it("sums cost per role over the runs", () => {
    const cost = sumSuiteCost([priced(0.001, 0.0005), priced(0.002, 0.0005)]);
    expect(cost.byRole.Agent).toEqual({ totalTokens: 140, costUsd: 0.003 });
    expect(cost.byRole.Judge?.costUsd).toBeCloseTo(0.001, 12);
    expect(cost.costUsd).toBeCloseTo(0.004, 12);
    expect(suiteCostText([priced(0.001, 0.0005)])).toBe("Cost $0.00150 (Agent $0.00100 · Judge $0.000500)");
  });

  it("makes a role's and the total's cost unknown when one run's price was unknown", () => {
    const cost = sumSuiteCost([priced(0.001, 0.0005), priced(0.002, undefined)]);
    expect(cost.byRole.Agent?.costUsd).toBeCloseTo(0.003, 12);
    expect(cost.byRole.Judge?.costUsd).toBeUndefined();
    expect(cost.costUsd).toBeUndefined();
    expect(suiteCostText([priced(0.002, undefined)])).toBe(
      "Cost cost unknown (Agent $0.00200 · Judge cost unknown)",
    );
    expect(
      summarizeRuns([finishedWith(priced(0.002, undefined).usage, "1").at(-1) as never]).usage.costUsd,
    ).toBe(undefined);
  });
});

describe("cost in the file reports", () => {
  it("writes JUnit properties with the cost per role, and 'unknown' for an unknown cost", () => {
    const runs = collectRuns([
      ...finishedWith(priced(0.001, 0.0005).usage, "1"),
      ...finishedWith(priced(0.002, undefined).usage, "2"),
    ]);
    const xml = renderJunitReport(runs);
    expect(xml).toContain('<property name="usage.costUsd" value="0.0015"/>');
    expect(xml).toContain('<property name="usage.Agent.costUsd" value="0.001"/>');
    expect(xml).toContain('<property name="usage.Judge.costUsd" value="unknown"/>');
    expect(xml).toContain('<property name="usage.costUsd" value="unknown"/>');
  });

  it("puts the suite's cost in the HTML report's data for its header", () => {
    const runs = collectRuns([...finishedWith(priced(0.001, 0.0005).usage, "1")]);
    const html = renderHtmlReport(runs, { generatedAt: 0 });
    expect(html).toContain('"cost":"Cost $0.00150 (Agent $0.00100 · Judge $0.000500)"');
  });
});
