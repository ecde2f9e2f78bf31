import { createOpenAI } from "@ai-sdk/openai";
import { run } from "@scenario/core";
import { judgeAgent } from "@scenario/judge";
import { agent, judge, user } from "@scenario/script";
import { SCENARIO_SPAN_ATTRIBUTES as ATTR } from "@scenario/spec";
import { type FakeOpenAIServer, judgeBehaviour, startFakeOpenAIServer } from "@scenario/testing";
import { type FakeOtlpReceiver, startFakeOtlpReceiver } from "@scenario/testing/otlp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { childrenOf, only, refundAgent, type SpanView } from "../test/traced-agents";
import { type ScenarioTracingHandle, setupScenarioTracing } from "./setup-scenario-tracing";

let server: FakeOpenAIServer;
let receiver: FakeOtlpReceiver;
let tracing: ScenarioTracingHandle | undefined;

beforeAll(async () => {
  server = await startFakeOpenAIServer({ reply: judgeBehaviour() });
  receiver = await startFakeOtlpReceiver();
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

async function runRefundScenario() {
  const model = createOpenAI({ apiKey: "test-key", baseURL: server.baseURL })("gpt-test");
  return run({
    name: "refund over OTLP",
    description: "The user asks for a refund of order A-17.",
    agents: [refundAgent(), judgeAgent({ model, criteria: ["The agent helps the user"] })],
    script: [user("I want a refund for order A-17"), agent(), judge()],
  });
}

describe("OTLP export to a local receiver", () => {
  it("shows suite → run → turn → agent/judge calls with attributes, and the agent's spans underneath", async () => {
    tracing = setupScenarioTracing({
      endpoint: receiver.url,
      headers: { authorization: "Bearer collector-secret", "x-tenant": "team-a" },
    });
    const before = receiver.spans.length;
    const result = await runRefundScenario();
    await tracing.forceFlush();
    // suite, run, turn, 2 agent calls, the agent's handle span and its 2 tool spans.
    await receiver.waitForSpans(before + 8);
    const spans: SpanView[] = receiver.spans.slice(before);

    const suite = only(spans, "scenario.suite");
    const runSpan = only(childrenOf(spans, suite), "scenario.run");
    expect(runSpan.attributes).toMatchObject({
      [ATTR.runId]: result.runId,
      [ATTR.scenarioName]: "refund over OTLP",
      [ATTR.verdict]: "success",
      [ATTR.status]: "SUCCESS",
      [ATTR.inputTokens]: result.usage.inputTokens,
    });
    expect(typeof runSpan.attributes[ATTR.batchId]).toBe("string");
    expect(typeof runSpan.attributes[ATTR.threadId]).toBe("string");
    const turn = only(childrenOf(spans, runSpan), "scenario.turn");
    const calls = childrenOf(spans, turn, "scenario.agent-call");
    expect(calls.map((call) => [call.attributes[ATTR.role], call.attributes[ATTR.turn]])).toEqual([
      ["Agent", 0],
      ["Judge", 0],
    ]);
    const handle = only(childrenOf(spans, calls[0]!), "support-agent.handle");
    expect(childrenOf(spans, handle).map((span) => span.name)).toEqual([
      "tool refund_api",
      "tool lookup_order",
    ]);

    const request = receiver.requests.at(-1)!;
    expect(request.headers["x-tenant"]).toBe("team-a");
    expect(request.headers.authorization).not.toContain("collector-secret");
    // No key of any kind reached an attribute.
    expect(JSON.stringify(spans)).not.toMatch(/test-key|collector-secret/);
  });

  it("reads the endpoint from OTEL_EXPORTER_OTLP_ENDPOINT", async () => {
    const saved = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    try {
      tracing = setupScenarioTracing();
    } finally {
      if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = saved;
    }
    const before = receiver.spans.length;
    const result = await runRefundScenario();
    await tracing.forceFlush();
    await receiver.waitForSpans(before + 8);
    const runSpan = only(receiver.spans.slice(before), "scenario.run");
    expect(runSpan.attributes[ATTR.runId]).toBe(result.runId);
  });
});
