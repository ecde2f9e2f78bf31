import {
  type AgentAdapter,
  type AgentInput,
  AgentRole,
  ConfigurationError,
  formatUsd,
  type TokenUsage,
} from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { verdict } from "../test/fake-agents";
import { budgetExceededReason } from "./budget-check";
import { run, ScenarioExecution } from "./index";
import { UsageTally } from "./usage-tally";

// One dollar per thousand tokens of model "priced"; any other model is unknown.
const pricer = (usage: TokenUsage) =>
  usage.modelId === "priced" ? ((usage.inputTokens ?? 0) + (usage.outputTokens ?? 0)) / 1000 : undefined;

/** An adapter that records `usage` on every call and replies `reply`. */
function spending(
  role: AgentRole,
  usage: TokenUsage,
  reply: (input: AgentInput) => unknown,
): AgentAdapter & { calls: number } {
  const adapter = {
    role,
    name: `${role}Spender`,
    calls: 0,
    call(input: AgentInput) {
      adapter.calls += 1;
      input.recordUsage(usage);
      return reply(input) as never;
    },
  };
  return adapter;
}

describe("UsageTally with a pricer", () => {
  it("prices each call per role and totals the roles whose cost is known", () => {
    const tally = new UsageTally(pricer);
    tally.record(AgentRole.AGENT, {
      inputTokens: 100,
      outputTokens: 50,
      modelId: "priced",
      cachedInputTokens: 40,
    });
    tally.record(AgentRole.AGENT, { inputTokens: 200, outputTokens: 150, modelId: "priced" });
    tally.record(AgentRole.JUDGE, { inputTokens: 10, outputTokens: 0, modelId: "priced" });
    const summary = tally.summary();
    expect(summary.byRole.Agent).toEqual({
      inputTokens: 300,
      outputTokens: 200,
      totalTokens: 500,
      cachedInputTokens: 40,
      costUsd: 0.5,
    });
    expect(summary.byRole.Judge?.costUsd).toBeCloseTo(0.01, 10);
    expect(summary.costUsd).toBeCloseTo(0.51, 10);
    expect(summary.cachedInputTokens).toBe(40);
  });

  it("leaves a role's cost and the total unknown when one call's model has no price", () => {
    const tally = new UsageTally(pricer);
    tally.record(AgentRole.AGENT, { inputTokens: 100, outputTokens: 0, modelId: "priced" });
    tally.record(AgentRole.AGENT, { inputTokens: 100, outputTokens: 0, modelId: "mystery" });
    tally.record(AgentRole.USER, { inputTokens: 1000, outputTokens: 0, modelId: "priced" });
    const summary = tally.summary();
    expect(summary.byRole.Agent).toEqual({ inputTokens: 200, outputTokens: 0, totalTokens: 200 });
    expect(summary.byRole.User?.costUsd).toBe(1);
    expect("costUsd" in summary).toBe(false);
    // The budget still counts what is known.
    expect(tally.pricedCostUsd()).toBeCloseTo(1.1, 10);
  });

  it("reports no cost at all without a pricer, as before", () => {
    const tally = new UsageTally();
    tally.record(AgentRole.AGENT, { inputTokens: 5, outputTokens: 5, modelId: "priced" });
    expect(tally.summary()).toEqual({
      inputTokens: 5,
      outputTokens: 5,
      totalTokens: 10,
      byRole: { Agent: { inputTokens: 5, outputTokens: 5, totalTokens: 10 } },
    });
  });
});

describe("a scenario's budget", () => {
  const conversation = () => {
    const user = spending(
      AgentRole.USER,
      { inputTokens: 300, outputTokens: 100, modelId: "priced" },
      () => "hi",
    );
    const agent = spending(
      AgentRole.AGENT,
      { inputTokens: 500, outputTokens: 100, modelId: "priced" },
      () => "hello",
    );
    const judge = spending(
      AgentRole.JUDGE,
      { inputTokens: 50, outputTokens: 0, modelId: "priced" },
      (input) => (input.scenarioState.currentTurn >= 3 ? verdict(true) : null),
    );
    return { user, agent, judge };
  };

  it("ends the run as ERROR after the call that went over maxCostUsd, naming the budget and the cost", async () => {
    const { user, agent, judge } = conversation();
    const result = await run(
      { name: "costly", description: "d", agents: [user, agent, judge], budget: { maxCostUsd: 0.5 } },
      { priceUsage: pricer },
    );
    // User 0.4, agent 0.6: over 0.5 after the agent's first reply; the judge is never called.
    expect(result.status).toBe("ERROR");
    expect(result.error).toBe("Budget exceeded: the run cost $1.00, over its budget.maxCostUsd of $0.500.");
    expect(result.reasoning).toBe(result.error);
    expect(result.usage.costUsd).toBeCloseTo(1, 10);
    expect([user.calls, agent.calls, judge.calls]).toEqual([1, 1, 0]);
    expect(result.messages.map((message) => message.content)).toEqual(["hi", "hello"]);
  });

  it("ends the run as ERROR when it uses more than maxTokens, with the count reached", async () => {
    const { user, agent, judge } = conversation();
    const result = await run({
      name: "wordy",
      description: "d",
      agents: [user, agent, judge],
      budget: { maxTokens: 1000 },
    });
    // 400 + 600 = 1000 is within; the judge's 50 goes over.
    expect(result.status).toBe("ERROR");
    expect(result.error).toBe(
      "Budget exceeded: the run used 1050 tokens, over its budget.maxTokens of 1000.",
    );
    expect(result.usage.totalTokens).toBe(1050);
    expect(judge.calls).toBe(1);
  });

  it("lets a run within its budget end with its verdict", async () => {
    const { user, agent, judge } = conversation();
    const result = await run(
      {
        name: "frugal",
        description: "d",
        agents: [user, agent, judge],
        budget: { maxCostUsd: 100, maxTokens: 1e6 },
      },
      { priceUsage: pricer },
    );
    expect(result.status).toBe("SUCCESS");
    // Every judge call is priced: 50 tokens at a dollar per thousand.
    expect(judge.calls).toBeGreaterThan(1);
    expect(result.usage.byRole.Judge?.costUsd).toBeCloseTo(0.05 * judge.calls, 10);
  });

  it("emits the cost in the run-finished event's usage", async () => {
    const { user, agent, judge } = conversation();
    const execution = new ScenarioExecution(
      { name: "evented", description: "d", agents: [user, agent, judge], budget: { maxTokens: 500 } },
      { priceUsage: pricer },
    );
    const finished: unknown[] = [];
    execution.events$.subscribe((event) => {
      if (event.type === "SCENARIO_RUN_FINISHED") finished.push(event);
    });
    const result = await execution.execute();
    expect(finished).toEqual([
      expect.objectContaining({
        status: "ERROR",
        usage: expect.objectContaining({ totalTokens: 1000, costUsd: 1 }),
        results: expect.objectContaining({ error: expect.stringContaining("used 1000 tokens") }),
      }),
    ]);
    expect(result.usage.byRole.User?.costUsd).toBeCloseTo(0.4, 10);
  });

  it("refuses a budget that is not one, naming the key", () => {
    const agents = conversation();
    const base = { name: "bad", description: "d", agents: [agents.user, agents.agent] };
    expect(() => new ScenarioExecution({ ...base, budget: { maxCostUsd: -1 } })).toThrow(
      /`budget.maxCostUsd` must be a positive number, got -1/,
    );
    expect(() => new ScenarioExecution({ ...base, budget: { maxTokens: 1.5 } })).toThrow(ConfigurationError);
    expect(() => new ScenarioExecution({ ...base, budget: { maxCost: 1 } as never })).toThrow(
      /unknown key "budget.maxCost"/,
    );
  });
});

describe("budgetExceededReason", () => {
  it("names maxDurationMs and the time the run took", () => {
    expect(
      budgetExceededReason({ maxDurationMs: 100 }, { costUsd: 0, totalTokens: 0, elapsedMs: 150.4 }),
    ).toBe("Budget exceeded: the run took 150 ms, over its budget.maxDurationMs of 100 ms.");
    expect(
      budgetExceededReason({ maxDurationMs: 100 }, { costUsd: 0, totalTokens: 0, elapsedMs: 99 }),
    ).toBeUndefined();
  });

  it("formats small dollar sums without exponent notation", () => {
    expect(formatUsd(0.000123)).toBe("$0.000123");
    expect(formatUsd(0.0123)).toBe("$0.0123");
    expect(formatUsd(1.5)).toBe("$1.50");
    expect(formatUsd(0)).toBe("$0");
  });
});
