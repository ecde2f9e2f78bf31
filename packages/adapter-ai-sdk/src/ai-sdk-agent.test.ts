import { createOpenAI } from "@ai-sdk/openai";
import { createAgentInput, describeAdapterConformance } from "@scenario/adapter-testkit";
import { run } from "@scenario/core";
import { judgeAgent, userSimulatorAgent } from "@scenario/kit";
import { AgentCallError, AgentRole, type AgentStreamPart, type ModelMessage } from "@scenario/spec";
import {
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { ToolLoopAgent, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { LONG_ANSWER, supportBrain, TEST_API_KEY } from "../test/support-brain";
import { aiSdkAgent } from "./ai-sdk-agent";

let server: FakeOpenAIServer;
let failingServer: FakeOpenAIServer;
const lookups: string[] = [];

beforeAll(async () => {
  server = await startFakeOpenAIServer({
    reply: scenarioBehaviour({
      agent: supportBrain,
      userSimulator: userSimulatorPersona(["Where is my order 2077?", "Thanks, bye!"]),
      judge: judgeBehaviour(),
    }),
  });
  failingServer = await startFakeOpenAIServer({ fault: () => ({ type: "server-error", message: "boom" }) });
});

afterAll(async () => {
  await server.close();
  await failingServer.close();
});

// Arrow functions keep the URL lazy: the servers start in beforeAll.
const provider = () => createOpenAI({ baseURL: server.baseURL, apiKey: TEST_API_KEY });
const tools = {
  lookupOrder: tool({
    description: "Look up an order by its number.",
    inputSchema: z.object({ orderId: z.string() }),
    execute: async ({ orderId }) => {
      lookups.push(orderId);
      return { orderId, status: "shipped" };
    },
  }),
};
// A plain stop condition: `stepCountIs` was renamed in AI SDK 7.
const stopWhen = ({ steps }: { steps: unknown[] }) => steps.length >= 5;

const supportAgent = () =>
  aiSdkAgent({ model: provider()("gpt-4.1-mini"), system: "You help.", tools, stopWhen });
const failingAgent = (stream = false) =>
  aiSdkAgent({
    model: createOpenAI({ baseURL: failingServer.baseURL, apiKey: TEST_API_KEY }).chat("gpt-4.1-mini"),
    maxRetries: 0,
    stream,
  });
const receivedByAgent = () => JSON.stringify(server.requests.filter((request) => request.role === "agent"));
const toolRoundTrip = (messages: ModelMessage[]) => {
  expect(messages.map((message) => message.role)).toEqual(["assistant", "tool", "assistant"]);
  expect(JSON.stringify(messages[0])).toContain('"toolName":"lookupOrder"');
  expect(messages[1]).toMatchObject({ content: [{ type: "tool-result", toolName: "lookupOrder" }] });
  expect(messages[2]?.content).toEqual([
    expect.objectContaining({ text: expect.stringContaining("shipped") }),
  ]);
};

describeAdapterConformance(supportAgent, {
  title: "aiSdkAgent with generateText options",
  name: "AiSdkAgent",
  failing: () => failingAgent(),
  reportsUsage: true,
  received: receivedByAgent,
  secrets: [TEST_API_KEY],
  run,
  returnShapes: [
    { name: "a text answer", expect: (messages) => expect(messages).toMatchObject([{ role: "assistant" }]) },
    {
      name: "a tool call, its result and the answer (several steps)",
      create: () => ({
        ...supportAgent(),
        call: (input) => supportAgent().call(withText(input, "order 1042")),
      }),
      expect: toolRoundTrip,
    },
    {
      name: "an AI SDK agent object (ToolLoopAgent)",
      create: () =>
        aiSdkAgent({ agent: new ToolLoopAgent({ model: provider()("gpt-4.1-mini"), tools, stopWhen }) }),
      expect: (messages) => expect(messages).toMatchObject([{ role: "assistant" }]),
    },
  ],
});

describeAdapterConformance(
  () =>
    aiSdkAgent({
      model: provider().chat("gpt-4.1-mini"),
      tools,
      stopWhen,
      stream: true,
      name: "StreamingAgent",
    }),
  {
    title: "aiSdkAgent streaming",
    name: "StreamingAgent",
    failing: () => failingAgent(true),
    reportsUsage: true,
    received: receivedByAgent,
    secrets: [TEST_API_KEY],
    run,
  },
);

/** The input with its last user message replaced by `text`. */
function withText<T extends { messages: ModelMessage[]; newMessages: ModelMessage[] }>(
  input: T,
  text: string,
): T {
  const message: ModelMessage = { role: "user", content: text };
  return { ...input, messages: [...input.messages.slice(0, -1), message], newMessages: [message] };
}

describe("aiSdkAgent", () => {
  it("runs the tools within the turn and reports the tokens every step used", async () => {
    const before = server.usage.byRole.agent?.totalTokens ?? 0;
    const lookupsBefore = lookups.length;
    const input = createAgentInput({ messages: [{ role: "user", content: "Where is order 1042?" }] });
    const returned = await supportAgent().call(input);
    toolRoundTrip(returned as ModelMessage[]);
    expect(lookups.slice(lookupsBefore)).toEqual(["1042"]);
    // Two model calls (the tool call, then the answer), summed into one report.
    const total = input.recordedUsage.reduce((sum, usage) => sum + (usage.totalTokens ?? 0), 0);
    expect(total).toBe((server.usage.byRole.agent?.totalTokens ?? 0) - before);
    expect(total).toBeGreaterThan(0);
  });

  it("streams the answer's text to onTextDelta and returns the whole answer", async () => {
    const deltas: string[] = [];
    const adapter = aiSdkAgent({
      model: provider().chat("gpt-4.1-mini"),
      stream: true,
      onTextDelta: (text) => deltas.push(text),
    });
    const returned = await adapter.call(
      createAgentInput({ messages: [{ role: "user", content: "please ramble" }] }),
    );
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe(LONG_ANSWER);
    expect(returned).toMatchObject([{ role: "assistant", content: [{ type: "text", text: LONG_ANSWER }] }]);
  });

  it("stream(): each step's messages as the step finishes, the answer's text as it is written", async () => {
    const adapter = aiSdkAgent({ model: provider().chat("gpt-4.1-mini"), tools, stopWhen, stream: true });
    const input = createAgentInput({ messages: [{ role: "user", content: "Where is order 2077?" }] });
    const parts: AgentStreamPart[] = [];
    for await (const part of adapter.stream?.(input) ?? []) parts.push(part);

    const labels = parts.map((part) =>
      part.type === "message" ? `message:${part.message.role}` : part.type,
    );
    // The tool call and its result are handed out before the answer's first word.
    expect(labels.slice(0, 2)).toEqual(["message:assistant", "message:tool"]);
    expect(labels.slice(2, -1).every((label) => label === "text-delta")).toBe(true);
    expect(labels.at(-1)).toBe("message:assistant");
    const messages = parts.flatMap((part) => (part.type === "message" ? [part.message] : []));
    toolRoundTrip(messages);
    const text = parts.map((part) => (part.type === "text-delta" ? part.text : "")).join("");
    expect(messages[2]?.content).toEqual([expect.objectContaining({ text })]);
    expect(input.recordedUsage.length).toBeGreaterThan(0);
  });

  it("stops a streamed reply on interrupt() and keeps the text said so far", async () => {
    server.setLatency(0);
    const slow = await startFakeOpenAIServer({ reply: supportBrain, streamIntervalMs: 5 });
    try {
      let adapter: ReturnType<typeof aiSdkAgent> | undefined;
      const deltas: string[] = [];
      adapter = aiSdkAgent({
        model: createOpenAI({ baseURL: slow.baseURL, apiKey: TEST_API_KEY }).chat("gpt-4.1-mini"),
        stream: true,
        onTextDelta: (text) => {
          deltas.push(text);
          if (deltas.length === 3) adapter?.interrupt?.();
        },
      });
      const returned = await adapter.call(
        createAgentInput({ messages: [{ role: "user", content: "ramble on" }] }),
      );
      expect(returned).toEqual([{ role: "assistant", content: deltas.join("") }]);
      expect(LONG_ANSWER.startsWith(deltas.join(""))).toBe(true);
      expect(deltas.join("").length).toBeLessThan(LONG_ANSWER.length);
    } finally {
      await slow.close();
    }
  });

  it("fails with an AgentCallError naming the adapter and the call, without the API key", async () => {
    const error = await Promise.resolve(
      failingAgent().call(createAgentInput({ messages: [{ role: "user", content: "hi" }] })),
    ).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(AgentCallError.isInstance(error)).toBe(true);
    expect((error as AgentCallError).message).toMatch(/^\[AiSdkAgent\] generateText\(\) failed: .*boom/);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(TEST_API_KEY);
  });

  it("plays a multi-turn scenario with the user simulator and the judge; usage lands in result.usage", async () => {
    const agentTokensBefore = server.usage.byRole.agent?.totalTokens ?? 0;
    const result = await run({
      name: "order status",
      description: "A customer asks where their order is.",
      agents: [
        supportAgent(),
        userSimulatorAgent({ model: provider()("gpt-4.1-mini") }),
        judgeAgent({ model: provider()("gpt-4.1-mini"), criteria: ["The agent looks the order up"] }),
      ],
      maxTurns: 3,
    });
    expect(result.status).toBe("SUCCESS");
    const roles = result.messages.map((message) => message.role);
    expect(roles.slice(0, 4)).toEqual(["user", "assistant", "tool", "assistant"]);
    expect(result.usage.byRole[AgentRole.AGENT]?.totalTokens).toBe(
      (server.usage.byRole.agent?.totalTokens ?? 0) - agentTokensBefore,
    );
    expect(result.usage.byRole[AgentRole.JUDGE]?.totalTokens).toBeGreaterThan(0);
  });
});
