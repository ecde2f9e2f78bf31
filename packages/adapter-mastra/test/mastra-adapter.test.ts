// A real Mastra agent whose model (`createOpenAI({ baseURL })`) is the fake OpenAI server; the
// simulated user and the judge are served by the same fake. Mastra needs Node 22.13+, so on Node 20
// the suite is skipped and says so: it runs in the Node 22 leg of CI.

import { createOpenAI } from "@ai-sdk/openai";
import { mastraAdapter } from "@scenario/adapter-mastra";
import scenario, { agent, judge, user } from "@scenario/kit";
import {
  type FakeModelRequest,
  type FakeOpenAIServer,
  type FakeReplyInput,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import {
  expectWeatherUsage,
  WEATHER_QUESTIONS,
  weatherAgentReply,
} from "../../../tooling/test-helpers/weather-scenario";
import { asMastraModel } from "./mastra-model";
import { describeOnNode22 } from "./node-22";

const API_KEY = "sk-mastra-secret-0042";
let server: FakeOpenAIServer;
let agentBehaviour: (request: FakeModelRequest) => FakeReplyInput;

describeOnNode22("mastraAdapter", () => {
  // Loaded here, not at the top: on Node 20 the suite must skip without loading Mastra.
  let mastra: {
    Agent: typeof import("@mastra/core/agent").Agent;
    createTool: typeof import("@mastra/core/tools").createTool;
    MockMemory: typeof import("@mastra/core/memory").MockMemory;
  };

  beforeAll(async () => {
    // Mastra's feature telemetry must never reach the network from a test.
    process.env.MASTRA_TELEMETRY_DISABLED = "1";
    const [{ Agent }, { createTool }, { MockMemory }] = await Promise.all([
      import("@mastra/core/agent"),
      import("@mastra/core/tools"),
      import("@mastra/core/memory"),
    ]);
    mastra = { Agent, createTool, MockMemory };
    server = await startFakeOpenAIServer({
      reply: scenarioBehaviour({
        agent: (request) => agentBehaviour(request),
        userSimulator: userSimulatorPersona(WEATHER_QUESTIONS),
        judge: judgeBehaviour(),
      }),
    });
  });

  afterEach(() => {
    server.reset();
  });

  afterAll(async () => {
    await server?.close();
  });

  const openai = () => createOpenAI({ apiKey: API_KEY, baseURL: server.baseURL });
  const agentRequests = () =>
    server.requests
      .filter((entry) => entry.role === "agent")
      .map((entry) => entry.request as FakeModelRequest);

  function weatherAgent(memory?: InstanceType<typeof mastra.MockMemory>) {
    const getWeather = mastra.createTool({
      id: "get_weather",
      description: "The current weather in a city.",
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => `sunny, 22°C in ${city}`,
    });
    return new mastra.Agent({
      id: "weather",
      name: "Weather",
      instructions: "You report the weather.",
      model: asMastraModel(openai()("gpt-agent")),
      tools: { get_weather: getWeather },
      ...(memory ? { memory } : {}),
    });
  }

  it("runs a multi-turn judged scenario: tool calls, tool results and usage", async () => {
    agentBehaviour = weatherAgentReply;
    const result = await scenario.run({
      name: "weather over two turns",
      description: "The user asks for the weather in two cities.",
      agents: [
        mastraAdapter({ agent: weatherAgent(), generateOptions: { maxSteps: 3 } }),
        scenario.userSimulatorAgent({ model: openai()("gpt-simulator") }),
        scenario.judgeAgent({ model: openai()("gpt-judge"), criteria: ["The agent reports the weather"] }),
      ],
      script: [user(), agent(), user(), agent(), judge()],
    });

    expect(result.success).toBe(true);
    expect(result.messages.slice(1, 4)).toMatchObject([
      {
        role: "assistant",
        content: [{ type: "tool-call", toolName: "get_weather", input: { city: "Paris" } }],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolName: "get_weather",
            output: { type: "text", value: "sunny, 22°C in Paris" },
          },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "The weather: sunny, 22°C in Paris" }] },
    ]);
    expect(JSON.stringify(result.messages.slice(5))).toContain("sunny, 22°C in Rome");
    // Without memory the whole conversation goes to the agent: its third model call (the second
    // turn) sees the first turn's call and result.
    const secondTurn = agentRequests()[2]?.messages.filter((message) => message.role !== "system") ?? [];
    expect(secondTurn.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
      "user",
    ]);

    expectWeatherUsage(result.usage.byRole.Agent, server, API_KEY);
  });

  it("gives an agent with memory the thread id and only the new messages", async () => {
    agentBehaviour = (request) =>
      `I see ${request.messages.filter((message) => message.role === "user").length} user lines.`;
    const memory = new mastra.MockMemory();
    const result = await scenario.run({
      name: "memory",
      description: "Two user turns.",
      threadId: "thread-mastra-memory",
      agents: [mastraAdapter({ agent: weatherAgent(memory) })],
      script: [user("first"), agent(), user("second"), agent(), scenario.succeed()],
    });

    expect(result.success).toBe(true);
    // Memory supplied the first turn; had the adapter sent the whole conversation, "first" would be stored twice.
    expect(result.messages.at(-1)).toMatchObject({
      role: "assistant",
      content: [{ type: "text", text: "I see 2 user lines." }],
    });
    const thread = await memory.getThreadById({ threadId: "thread-mastra-memory" });
    expect(thread?.id).toBe("thread-mastra-memory");
    const recalled = await memory.recall({ threadId: "thread-mastra-memory" });
    const userLines = recalled.messages
      .filter((message) => message.role === "user")
      .map((message) => JSON.stringify(message.content));
    expect(userLines).toHaveLength(2);
    expect(userLines[0]).toContain("first");
    expect(userLines[1]).toContain("second");
  });
});
