// Cost per role and budgets end to end: the judge and the user simulator (through @scenario/llm) and
// an agent adapter report usage with their model id; the kit prices it with the project's prices.
// The fake server counts the tokens it served per role, so the expected cost comes from its counts.

import { createOpenAI } from "@ai-sdk/openai";
import { configureScenarioLLM } from "@scenario/llm";
import {
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { generateText } from "ai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type AgentAdapter,
  type AgentInput,
  AgentRole,
  applyProjectConfig,
  judgeAgent,
  run,
  userSimulatorAgent,
} from "../src/index";

// A model the bundled price table does not know, so only the custom price applies.
const MODEL = "scenario-test-model";
const INPUT_PER_MILLION = 2;
const OUTPUT_PER_MILLION = 8;

let server: FakeOpenAIServer;
let openai: ReturnType<typeof createOpenAI>;

beforeAll(async () => {
  server = await startFakeOpenAIServer({
    reply: scenarioBehaviour({
      agent: () => "Your refund was sent yesterday.",
      userSimulator: userSimulatorPersona(() => "Where is my refund?"),
      judge: judgeBehaviour(),
    }),
  });
  openai = createOpenAI({ baseURL: server.baseURL, apiKey: "test-key" });
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  server.reset();
  configureScenarioLLM({ defaultModel: undefined, prices: undefined });
});

/** The agent under test, reporting its usage with (or without) the model id, as an adapter would. */
function refundAgent(options: { namesModel: boolean }): AgentAdapter {
  return {
    role: AgentRole.AGENT,
    name: "RefundAgent",
    async call(input: AgentInput) {
      const response = await generateText({ model: openai.chat(MODEL), messages: input.messages });
      input.recordUsage({
        inputTokens: response.usage.inputTokens,
        outputTokens: response.usage.outputTokens,
        ...(options.namesModel ? { modelId: MODEL, provider: "openai.chat" } : {}),
      });
      return response.text;
    },
  };
}

function expectedCost(role: "agent" | "user-simulator" | "judge"): number {
  const tokens = server.usage.byRole[role];
  if (!tokens) throw new Error(`the fake server served no ${role} request`);
  return (tokens.inputTokens * INPUT_PER_MILLION + tokens.outputTokens * OUTPUT_PER_MILLION) / 1_000_000;
}

function useProject(): void {
  applyProjectConfig({
    defaultModel: openai.chat(MODEL),
    prices: { [MODEL]: { inputPerMillion: INPUT_PER_MILLION, outputPerMillion: OUTPUT_PER_MILLION } },
  });
}

const scenarioOf = (agent: AgentAdapter, extra: object = {}) => ({
  name: "refund status",
  description: "A customer asks where their refund is.",
  agents: [
    agent,
    userSimulatorAgent(),
    judgeAgent({ criteria: ["The agent says when the refund was sent"] }),
  ],
  ...extra,
});

describe("cost per role", () => {
  it("prices the agent, the user simulator and the judge from the tokens each used", async () => {
    useProject();
    const result = await run(scenarioOf(refundAgent({ namesModel: true })));
    expect(result.status).toBe("SUCCESS");
    const { byRole } = result.usage;
    expect(byRole.Agent?.totalTokens).toBe(server.usage.byRole.agent?.totalTokens);
    expect(byRole.Agent?.costUsd).toBeCloseTo(expectedCost("agent"), 12);
    expect(byRole.User?.costUsd).toBeCloseTo(expectedCost("user-simulator"), 12);
    expect(byRole.Judge?.costUsd).toBeCloseTo(expectedCost("judge"), 12);
    expect(result.usage.costUsd).toBeCloseTo(
      expectedCost("agent") + expectedCost("user-simulator") + expectedCost("judge"),
      12,
    );
    expect(result.usage.costUsd).toBeGreaterThan(0);
  });

  it("leaves the agent's cost unknown when its adapter names no model, and prices the others", async () => {
    useProject();
    const result = await run(scenarioOf(refundAgent({ namesModel: false })));
    expect(result.usage.byRole.Agent?.totalTokens).toBeGreaterThan(0);
    expect(result.usage.byRole.Agent?.costUsd).toBeUndefined();
    expect(result.usage.costUsd).toBeUndefined();
    expect(result.usage.byRole.Judge?.costUsd).toBeCloseTo(expectedCost("judge"), 12);
  });
});

describe("a scenario budget against the fake model", () => {
  it("ends the run as ERROR once it costs more than budget.maxCostUsd, with the figure", async () => {
    useProject();
    const result = await run(scenarioOf(refundAgent({ namesModel: true }), { budget: { maxCostUsd: 1e-9 } }));
    expect(result.status).toBe("ERROR");
    expect(result.error).toMatch(
      /^Budget exceeded: the run cost \$0\.0\d+, over its budget\.maxCostUsd of \$0\.0000000010\.$/,
    );
    // The user simulator spoke first and its call alone went over: nobody else was called.
    expect(server.requests.map((request) => request.role)).toEqual(["user-simulator"]);
    expect(result.usage.costUsd).toBeCloseTo(expectedCost("user-simulator"), 12);
  });

  it("ends the run as ERROR once it uses more than budget.maxTokens, naming the count", async () => {
    useProject();
    const result = await run(scenarioOf(refundAgent({ namesModel: true }), { budget: { maxTokens: 1 } }));
    expect(result.status).toBe("ERROR");
    expect(result.error).toBe(
      `Budget exceeded: the run used ${server.usage.totalTokens} tokens, over its budget.maxTokens of 1.`,
    );
  });
});
