import { createOpenAI } from "@ai-sdk/openai";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace";
import { run } from "@scenario/core";
import { judgeAgent } from "@scenario/judge";
import { agent, judge, user } from "@scenario/script";
import { JUDGE_TRACE_TOOL_NAMES } from "@scenario/spec";
import {
  type FakeJudgeContext,
  type FakeJudgeDecision,
  type FakeOpenAIServer,
  judgeBehaviour,
  startFakeOpenAIServer,
} from "@scenario/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { refundAgent } from "../test/traced-agents";
import { type ScenarioTracingHandle, setupScenarioTracing } from "./setup-scenario-tracing";

const CRITERION = "The agent called the refund API exactly once";
let server: FakeOpenAIServer;
let tracing: ScenarioTracingHandle | undefined;

/**
 * A judge that can only know about the refund from the trace: without a digest it finds the
 * criterion inconclusive; with one it greps the trace for the refund tool and counts the matches
 * the tool reports.
 */
function traceReadingDecision({ criteria, trace, toolResults }: FakeJudgeContext): FakeJudgeDecision {
  const criterion = criteria[0]!;
  if (trace === undefined || !/\[[0-9a-f]{16}\]/.test(trace)) {
    return {
      verdicts: { [criterion]: { verdict: "inconclusive", reasoning: "The conversation does not show it." } },
    };
  }
  const grep = toolResults.find((result) => result.name === JUDGE_TRACE_TOOL_NAMES.grep);
  if (!grep) return { callTool: { name: JUDGE_TRACE_TOOL_NAMES.grep, arguments: { pattern: "refund_api" } } };
  const matches = Number(/^(\d+) span/.exec(grep.content)?.[1] ?? Number.NaN);
  return {
    verdicts: {
      [criterion]: {
        verdict: matches === 1 ? "met" : "unmet",
        reasoning: `grep_trace found ${matches} refund_api span(s).`,
      },
    },
  };
}

beforeAll(async () => {
  server = await startFakeOpenAIServer({ reply: judgeBehaviour({ decide: traceReadingDecision }) });
});
afterAll(() => server.close());
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

function refundScenario(options: { refundCalls: number; traces: boolean }) {
  const model = createOpenAI({ apiKey: "test-key", baseURL: server.baseURL })("gpt-test");
  return run({
    name: "refund once",
    description: "The user asks for a refund of order A-17.",
    agents: [
      refundAgent(options.refundCalls),
      judgeAgent({ model, criteria: [CRITERION], traces: options.traces }),
    ],
    script: [user("Please refund order A-17"), agent(), judge()],
  });
}

describe("judgeAgent({ traces: true }) reads the agent's spans", () => {
  it("passes a criterion visible only in spans, after grepping the trace", async () => {
    tracing = setupScenarioTracing({ exporter: new InMemorySpanExporter() });
    const before = server.requests.length;
    const result = await refundScenario({ refundCalls: 1, traces: true });

    expect(result.status).toBe("SUCCESS");
    expect(result.criteria).toEqual([
      { criterion: CRITERION, verdict: "met", reasoning: "grep_trace found 1 refund_api span(s)." },
    ]);
    // The reply never mentions the refund: only the trace can show it.
    expect(JSON.stringify(result.messages)).not.toMatch(/refund_api|refunded/);
    const judgeRequests = server.requests.slice(before);
    expect(judgeRequests).toHaveLength(2);
    const firstPrompt = JSON.stringify(judgeRequests[0]!.body);
    expect(firstPrompt).toContain("tool refund_api");
    expect(firstPrompt).toContain("A-17");
    expect(JSON.stringify(judgeRequests[1]!.body)).toContain('1 span(s) match \\"refund_api\\"');
  });

  it("fails the same criterion when the spans show two refund calls", async () => {
    tracing = setupScenarioTracing({ exporter: new InMemorySpanExporter() });
    const result = await refundScenario({ refundCalls: 2, traces: true });
    expect(result.status).toBe("FAILED");
    expect(result.criteria?.[0]).toMatchObject({
      verdict: "unmet",
      reasoning: "grep_trace found 2 refund_api span(s).",
    });
  });

  it("bounds the judge's trace reading: after 4 tool calls the verdict is forced", async () => {
    tracing = setupScenarioTracing({ exporter: new InMemorySpanExporter() });
    const curious = judgeBehaviour({
      decide: ({ criteria, request }) =>
        typeof request.toolChoice === "object"
          ? { verdicts: { [criteria[0]!]: "met" } }
          : {
              callTool: {
                name: JUDGE_TRACE_TOOL_NAMES.expand,
                arguments: { span_ids: ["0000000000000000"] },
              },
            },
    });
    server.setReply(curious);
    try {
      const before = server.requests.length;
      const result = await refundScenario({ refundCalls: 1, traces: true });
      expect(result.status).toBe("SUCCESS");
      const requests = server.requests.slice(before);
      expect(requests).toHaveLength(5);
      expect(requests.at(-1)!.body).toMatchObject({ tool_choice: { type: "function", name: "finish_test" } });
    } finally {
      server.setReply(judgeBehaviour({ decide: traceReadingDecision }));
    }
  });

  it("is inconclusive without traces: the conversation alone cannot show the refund", async () => {
    tracing = setupScenarioTracing({ exporter: new InMemorySpanExporter() });
    const result = await refundScenario({ refundCalls: 1, traces: false });
    expect(result.success).toBe(false);
    expect(result.criteria?.[0]?.verdict).toBe("inconclusive");
  });

  it("tells the judge no trace was recorded when tracing is not set up", async () => {
    const before = server.requests.length;
    const result = await refundScenario({ refundCalls: 1, traces: true });
    expect(result.success).toBe(false);
    expect(result.criteria?.[0]?.verdict).toBe("inconclusive");
    expect(JSON.stringify(server.requests[before]!.body)).toContain("tracing is not set up");
  });
});
