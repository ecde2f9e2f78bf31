// The OpenAI Agents SDK running for real, its OpenAI client pointed at the fake OpenAI server:
// tool calls, handoffs, sessions and usage go through the SDK's own Responses and Chat Completions
// models. The simulated user and the judge are served by the same fake.

import { createOpenAI } from "@ai-sdk/openai";
import {
  Agent,
  MemorySession,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  setTracingDisabled,
  tool,
} from "@openai/agents";
import { openAIAgentsAdapter } from "@scenario/adapter-openai-agents";
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
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  expectWeatherTranscript,
  expectWeatherUsage,
  WEATHER_QUESTIONS,
  weatherAgentReply,
} from "../../../tooling/test-helpers/weather-scenario";

const API_KEY = "sk-openai-agents-secret-0042";
let server: FakeOpenAIServer;
let client: OpenAI;
let agentBehaviour: (request: FakeModelRequest) => FakeReplyInput;

beforeAll(async () => {
  // Tracing would export spans to OpenAI; nothing here may reach the network.
  setTracingDisabled(true);
  server = await startFakeOpenAIServer({
    reply: scenarioBehaviour({
      agent: (request) => agentBehaviour(request),
      userSimulator: userSimulatorPersona(WEATHER_QUESTIONS),
      judge: judgeBehaviour(),
    }),
  });
  client = new OpenAI({ apiKey: API_KEY, baseURL: server.baseURL, maxRetries: 0 });
});

afterEach(() => {
  server.reset();
});

afterAll(async () => {
  await server.close();
});

const getWeather = tool({
  name: "get_weather",
  description: "The current weather in a city.",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `sunny, 22°C in ${city}`,
});

function simulatorAndJudge() {
  const openai = createOpenAI({ apiKey: API_KEY, baseURL: server.baseURL });
  return [
    scenario.userSimulatorAgent({ model: openai("gpt-simulator") }),
    scenario.judgeAgent({ model: openai("gpt-judge"), criteria: ["The agent reports the weather"] }),
  ];
}

const agentRequests = () =>
  server.requests.filter((entry) => entry.role === "agent").map((entry) => entry.request as FakeModelRequest);

describe("openAIAgentsAdapter", () => {
  it("runs a multi-turn judged scenario: tool calls, tool results and usage", async () => {
    agentBehaviour = weatherAgentReply;
    const weatherAgent = new Agent({
      name: "Weather",
      instructions: "You report the weather.",
      model: new OpenAIResponsesModel(client, "gpt-agent"),
      tools: [getWeather],
    });

    const result = await scenario.run({
      name: "weather over two turns",
      description: "The user asks for the weather in two cities.",
      agents: [openAIAgentsAdapter({ agent: weatherAgent }), ...simulatorAndJudge()],
      script: [user(), agent(), user(), agent(), judge()],
    });

    expect(result.success).toBe(true);
    expect(result.metCriteria).toEqual(["The agent reports the weather"]);
    // Each turn: the call, its result, then the answer, as AI SDK messages.
    expectWeatherTranscript(result.messages);

    // The second turn's model call saw the first turn's call and result, mapped to input items.
    const requests = agentRequests();
    expect(requests.map((request) => request.endpoint)).toEqual(Array(4).fill("responses"));
    const secondTurn = requests[2]?.messages ?? [];
    expect(secondTurn.map((message) => message.role)).toEqual([
      "system",
      "user",
      "assistant",
      "tool",
      "assistant",
      "user",
    ]);
    expect(secondTurn[3]).toMatchObject({ role: "tool", content: "sunny, 22°C in Paris" });

    // Usage: the agent's share is exactly what the fake counted for the agent's four model calls.
    expectWeatherUsage(result.usage.byRole.Agent, server, API_KEY);
  });

  it("keeps the agent's session across turns, sending only the new messages", async () => {
    agentBehaviour = (request) =>
      `You said ${request.messages.filter((m) => m.role === "user").length} things.`;
    const sessions = new Map<string, MemorySession>();
    const chatAgent = new Agent({
      name: "Chat",
      instructions: "You chat.",
      model: new OpenAIChatCompletionsModel(client, "gpt-agent"),
    });

    const result = await scenario.run({
      name: "session memory",
      description: "Two user turns.",
      agents: [
        openAIAgentsAdapter({
          agent: chatAgent,
          session: (threadId) => {
            const session = new MemorySession({ sessionId: threadId });
            sessions.set(threadId, session);
            return session;
          },
        }),
      ],
      script: [user("first"), agent(), user("second"), agent(), scenario.succeed()],
    });

    expect(result.success).toBe(true);
    expect(sessions.size).toBe(1);
    const session = [...sessions.values()][0] as MemorySession;
    // Each user line is stored once: a full-history input would have stored "first" twice.
    const stored = await session.getItems();
    const userLines = stored
      .filter((item) => "role" in item && item.role === "user")
      .map((item) => JSON.stringify(item));
    expect(userLines).toHaveLength(2);
    expect(userLines[0]).toContain("first");
    expect(userLines[1]).toContain("second");
    // The model still saw the whole conversation on the second turn: the session supplied it.
    const secondCall = agentRequests()[1];
    expect(secondCall?.endpoint).toBe("chat.completions");
    expect(secondCall?.messages.map((message) => message.role)).toEqual([
      "system",
      "user",
      "assistant",
      "user",
    ]);
    expect(result.messages.at(-1)).toEqual({
      role: "assistant",
      content: [{ type: "text", text: "You said 2 things." }],
    });
  });

  it("names handoffs and continues with the agent handed to", async () => {
    const billing = new Agent({
      name: "Billing",
      instructions: "You handle billing.",
      model: new OpenAIResponsesModel(client, "gpt-agent"),
    });
    const triage = Agent.create({
      name: "Triage",
      instructions: "You route the user.",
      model: new OpenAIResponsesModel(client, "gpt-agent"),
      handoffs: [billing],
    });
    agentBehaviour = (request) => {
      const instructions = request.messages[0]?.content;
      if (instructions === "You route the user.") return { toolCalls: [{ name: "transfer_to_Billing" }] };
      return "Billing here: your invoice is paid.";
    };

    const result = await scenario.run({
      name: "handoff",
      description: "The user asks about an invoice.",
      agents: [openAIAgentsAdapter({ agent: triage })],
      script: [user("my invoice?"), agent(), user("thanks, and the next one?"), agent(), scenario.succeed()],
    });

    expect(result.success).toBe(true);
    const firstTurn = result.messages.slice(1, 4);
    expect(firstTurn[0]).toMatchObject({
      role: "assistant",
      content: [{ type: "tool-call", toolName: "transfer_to_Billing" }],
    });
    expect(firstTurn[1]).toMatchObject({
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolName: "transfer_to_Billing",
          output: { type: "json", value: { assistant: "Billing" } },
        },
      ],
    });
    expect(firstTurn[2]).toEqual({
      role: "assistant",
      content: [{ type: "text", text: "Billing here: your invoice is paid." }],
    });
    // The second turn starts with Billing, the agent that answered last: no second handoff.
    const instructions = agentRequests().map((request) => request.messages[0]?.content);
    expect(instructions).toEqual(["You route the user.", "You handle billing.", "You handle billing."]);
  });
});
