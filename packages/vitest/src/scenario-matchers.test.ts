import { type AgentAdapter, AgentRole, agent, judge, run, ScenarioExecution, user } from "@scenario/kit";
import type { CriterionVerdict, ModelMessage, ScenarioEvent, ScenarioResult } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { recordRunTurns } from "./run-registry";
import { scenarioMatchers } from "./scenario-matchers";
import "./register-matcher-types";

expect.extend(scenarioMatchers);

const ARRIVAL = "The agent tells the customer when the order arrives";
const REFUND = "The agent offers a refund";
const REFUND_REASONING = "The agent gave a delivery date and never mentioned a refund.";

function orderAgent(): AgentAdapter {
  return {
    role: AgentRole.AGENT,
    call: () => [
      {
        role: "assistant",
        content: [
          {
            type: "tool-call",
            toolCallId: "call-1",
            toolName: "lookup_order",
            input: { orderId: "1042", verbose: true },
          },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "call-1",
            toolName: "lookup_order",
            output: { type: "json", value: { eta: "tomorrow" } },
          },
        ],
      },
      { role: "assistant", content: "Order 1042 arrives tomorrow." },
    ],
  };
}

// A judge with a fixed verdict, so the runs are real runs of the executor without a model.
function fixedJudge(criteria: CriterionVerdict[]): AgentAdapter {
  return {
    role: AgentRole.JUDGE,
    call: () => ({
      success: criteria.every((entry) => entry.verdict === "met"),
      reasoning: criteria.every((entry) => entry.verdict === "met")
        ? "All met."
        : "A refund was never offered.",
      metCriteria: criteria.filter((entry) => entry.verdict === "met").map((entry) => entry.criterion),
      unmetCriteria: criteria.filter((entry) => entry.verdict !== "met").map((entry) => entry.criterion),
      criteria,
    }),
  };
}

const arrivalMet: CriterionVerdict = { criterion: ARRIVAL, verdict: "met", reasoning: "It says tomorrow." };
const refundUnmet: CriterionVerdict = { criterion: REFUND, verdict: "unmet", reasoning: REFUND_REASONING };

function orderRun(criteria: CriterionVerdict[], extraTurns = 0): Promise<ScenarioResult> {
  const turns = Array.from({ length: extraTurns }, (_, index) => [
    user(`And also question ${index + 2}?`),
    agent(),
  ]);
  return run({
    name: "order status",
    description: "A customer asks where order 1042 is.",
    agents: [orderAgent(), fixedJudge(criteria)],
    script: [user("Where is order 1042?"), agent(), ...turns.flat(), judge()],
  });
}

function failureOf(assertion: () => void): string {
  try {
    assertion();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the assertion did not fail");
}

describe("toPass", () => {
  it("passes for a passing run and fails under .not with the verdict", async () => {
    const result = await orderRun([arrivalMet]);
    expect(result).toPass();
    const message = failureOf(() => expect(result).not.toPass());
    expect(message).toContain("expected the scenario not to pass, but it passed");
    expect(message).toContain(`✓ ${ARRIVAL}`);
  });

  it("fails a failing run with the unmet criterion, the judge's reasoning and the transcript", async () => {
    const result = await orderRun([arrivalMet, refundUnmet]);
    const message = failureOf(() => expect(result).toPass());
    expect(message).toContain("expected the scenario to pass, but it ended with FAILED");
    expect(message).toContain("Reasoning: A refund was never offered.");
    // Unmet criteria come first, each with the judge's reasoning.
    expect(message.indexOf(`✗ ${REFUND}`)).toBeLessThan(message.indexOf(`✓ ${ARRIVAL}`));
    expect(message).toContain(`✗ ${REFUND}\n      ${REFUND_REASONING}`);
    expect(message).toContain("Transcript (4 messages):");
    expect(message).toContain("  User: Where is order 1042?");
    expect(message).toContain('  Agent calls lookup_order({"orderId":"1042","verbose":true})');
    expect(message).toContain('  lookup_order returned: {"eta":"tomorrow"}');
    expect(message).toContain("  Agent: Order 1042 arrives tomorrow.");
  });

  it("shows only the last messages of a long conversation", async () => {
    const result = await orderRun([refundUnmet], 5);
    const message = failureOf(() => expect(result).toPass());
    expect(message).toContain(`Transcript (last 12 of ${result.messages.length} messages):`);
    expect(message).not.toContain("User: Where is order 1042?");
    expect(message).toContain("User: And also question 6?");
  });

  it("says what it got when it is not given a result", () => {
    const pending = orderRun([arrivalMet]);
    expect(() => expect(pending).toPass()).toThrow(
      /expects the ScenarioResult .* got a Promise\. Did you forget to await/,
    );
    return pending;
  });
});

describe("toHaveMetCriteria", () => {
  it("passes when every listed criterion was met", async () => {
    const result = await orderRun([arrivalMet, refundUnmet]);
    expect(result).toHaveMetCriteria([ARRIVAL]);
    expect(result).not.toHaveMetCriteria([ARRIVAL, REFUND]);
  });

  it("names the missing criteria, with the reasoning, and flags text the judge never saw", async () => {
    const result = await orderRun([arrivalMet, refundUnmet]);
    const message = failureOf(() => expect(result).toHaveMetCriteria([REFUND, "The agent is polite"]));
    expect(message).toContain(`expected the scenario to have met "${REFUND}", "The agent is polite"`);
    expect(message).toContain(`Not among the judge's criteria (check the exact text): "The agent is polite"`);
    expect(message).toContain(REFUND_REASONING);
  });
});

describe("toHaveCalledTool", () => {
  it("finds a call by name, by exact arguments and by an asymmetric matcher", async () => {
    const result = await orderRun([arrivalMet]);
    expect(result).toHaveCalledTool("lookup_order");
    expect(result).toHaveCalledTool("lookup_order", { orderId: "1042", verbose: true });
    expect(result).toHaveCalledTool("lookup_order", expect.objectContaining({ orderId: "1042" }));
    expect(result).not.toHaveCalledTool("lookup_order", { orderId: "9999" });
    expect(result).not.toHaveCalledTool("refund");
  });

  it("lists the calls that were made when the expected one is missing", async () => {
    const result = await orderRun([arrivalMet]);
    const message = failureOf(() => expect(result).toHaveCalledTool("refund", { orderId: "1042" }));
    expect(message).toContain('expected the agent to call "refund" with {"orderId":"1042"}');
    expect(message).toContain('Tool calls made:\n  lookup_order({"orderId":"1042","verbose":true})');
    expect(message).toContain("Agent: Order 1042 arrives tomorrow.");
  });
});

describe("toHaveEndedWithin", () => {
  it("counts the turns of an uncaptured run by its user messages", async () => {
    const result = await orderRun([arrivalMet], 2);
    expect(result).toHaveEndedWithin({ turns: 3 });
    const message = failureOf(() => expect(result).toHaveEndedWithin({ turns: 2 }));
    expect(message).toContain(
      "expected the scenario to end within 2 turns, but it took 3 (counted by user messages)",
    );
  });

  it("uses the executor's own turn count for a captured run", async () => {
    const execution = new ScenarioExecution({
      name: "one turn",
      description: "A single exchange.",
      agents: [orderAgent(), fixedJudge([arrivalMet])],
      script: [user("Where is order 1042?"), agent(), judge()],
    });
    const events: ScenarioEvent[] = [];
    const subscription = execution.events$.subscribe((event) => events.push(event));
    const result = await execution.execute();
    subscription.unsubscribe();
    recordRunTurns(events);
    expect(result).toHaveEndedWithin({ turns: 1 });
    const message = failureOf(() => expect(result).toHaveEndedWithin({ turns: 0 }));
    expect(message).toContain("but it took 1");
    expect(message).not.toContain("counted by user messages");
  });

  it("rejects limits that are not a whole number of turns", async () => {
    const result = await orderRun([arrivalMet]);
    expect(() => expect(result).toHaveEndedWithin({ turns: 1.5 })).toThrow(/takes \{ turns: n \}/);
  });
});

describe("messages of AI SDK shapes", () => {
  it("shows string tool outputs as they are and files by their media type", () => {
    const messages: ModelMessage[] = [
      { role: "user", content: [{ type: "file", data: "AAAA", mediaType: "audio/wav" }] },
      {
        role: "assistant",
        content: [{ type: "tool-call", toolCallId: "c", toolName: "ping", input: {} }],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "c", toolName: "ping", output: { type: "text", value: "pong" } },
        ],
      },
    ];
    const result = {
      runId: "run-1",
      success: false,
      status: "FAILED",
      metCriteria: [],
      unmetCriteria: ["Replies"],
      messages,
      totalTime: 0,
      agentTime: 0,
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
      artifacts: {},
    } as unknown as ScenarioResult;
    const message = failureOf(() => expect(result).toPass());
    expect(message).toContain("User: [audio/wav]");
    expect(message).toContain("Agent calls ping({})");
    expect(message).toContain("ping returned: pong");
    expect(message).toContain("✗ Replies");
  });
});
