// A real LangGraph.js graph (StateGraph, ToolNode, MemorySaver) whose ChatOpenAI model is pointed
// at the fake OpenAI server. The simulated user and the judge are served by the same fake.

import { createOpenAI } from "@ai-sdk/openai";
import { type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import {
  Annotation,
  END,
  MemorySaver,
  MessagesAnnotation,
  messagesStateReducer,
  START,
  StateGraph,
} from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { ChatOpenAI } from "@langchain/openai";
import { langGraphAdapter } from "@scenario/adapter-langgraph";
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
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  expectWeatherTranscript,
  expectWeatherUsage,
  WEATHER_QUESTIONS,
  weatherAgentReply,
} from "../../../tooling/test-helpers/weather-scenario";

const API_KEY = "sk-langgraph-secret-0042";
let server: FakeOpenAIServer;
let agentBehaviour: (request: FakeModelRequest) => FakeReplyInput;

beforeAll(async () => {
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
  await server.close();
});

const getWeather = tool(async ({ city }: { city: string }) => `sunny, 22°C in ${city}`, {
  name: "get_weather",
  description: "The current weather in a city.",
  schema: z.object({ city: z.string() }),
});

function chatModel() {
  return new ChatOpenAI({
    model: "gpt-agent",
    apiKey: API_KEY,
    maxRetries: 0,
    configuration: { baseURL: server.baseURL },
  });
}

/** A ReAct-style graph: the model node, a tool node, and back until the model stops calling tools. */
function weatherGraph(checkpointer?: MemorySaver) {
  const model = chatModel().bindTools([getWeather]);
  return new StateGraph(MessagesAnnotation)
    .addNode("agent", async (state) => ({ messages: [await model.invoke(state.messages)] }))
    .addNode("tools", new ToolNode([getWeather]))
    .addEdge(START, "agent")
    .addConditionalEdges("agent", (state) => {
      const last = state.messages.at(-1) as { tool_calls?: unknown[] } | undefined;
      return (last?.tool_calls?.length ?? 0) > 0 ? "tools" : END;
    })
    .addEdge("tools", "agent")
    .compile(checkpointer ? { checkpointer } : {});
}

function simulatorAndJudge() {
  const openai = createOpenAI({ apiKey: API_KEY, baseURL: server.baseURL });
  return [
    scenario.userSimulatorAgent({ model: openai("gpt-simulator") }),
    scenario.judgeAgent({ model: openai("gpt-judge"), criteria: ["The agent reports the weather"] }),
  ];
}

const agentRequests = () =>
  server.requests.filter((entry) => entry.role === "agent").map((entry) => entry.request as FakeModelRequest);

describe("langGraphAdapter", () => {
  it("runs a multi-turn judged scenario with a checkpointer: tool calls, tool messages and usage", async () => {
    agentBehaviour = weatherAgentReply;
    const checkpointer = new MemorySaver();
    const graph = weatherGraph(checkpointer);

    const result = await scenario.run({
      name: "weather over two turns",
      description: "The user asks for the weather in two cities.",
      threadId: "thread-weather",
      agents: [langGraphAdapter({ graph }), ...simulatorAndJudge()],
      script: [user(), agent(), user(), agent(), judge()],
    });

    expect(result.success).toBe(true);
    expectWeatherTranscript(result.messages);

    // The checkpointer kept the thread under the scenario's thread id, each user line once: the
    // adapter sent only the new messages, and the model still saw the whole conversation.
    const saved = await graph.getState({ configurable: { thread_id: "thread-weather" } });
    const savedMessages = saved.values.messages as BaseMessage[];
    expect(
      savedMessages.filter((message) => message.type === "human").map((message) => message.text),
    ).toEqual(["What's the weather in Paris?", "And in Rome?"]);
    expect(savedMessages).toHaveLength(8);
    const secondTurn = agentRequests()[2]?.messages ?? [];
    expect(secondTurn.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
      "user",
    ]);

    expectWeatherUsage(result.usage.byRole.Agent, server, API_KEY);
  });

  it("streams a graph without a checkpointer under a custom messages key, sending the whole history", async () => {
    agentBehaviour = (request) => `I have read ${request.messages.length} messages.`;
    const State = Annotation.Root({
      conversation: Annotation<BaseMessage[]>({ reducer: messagesStateReducer, default: () => [] }),
    });
    const model = chatModel();
    const graph = new StateGraph(State)
      .addNode("reply", async (state) => ({ conversation: [await model.invoke(state.conversation)] }))
      .addEdge(START, "reply")
      .addEdge("reply", END)
      .compile();

    const result = await scenario.run({
      name: "stream",
      description: "Two user turns.",
      agents: [langGraphAdapter({ graph, mode: "stream", messagesKey: "conversation" })],
      script: [user("one"), agent(), user("two"), agent(), scenario.succeed()],
    });

    expect(result.success).toBe(true);
    expect(result.messages).toEqual([
      { role: "user", content: "one" },
      { role: "assistant", content: [{ type: "text", text: "I have read 1 messages." }] },
      { role: "user", content: "two" },
      { role: "assistant", content: [{ type: "text", text: "I have read 3 messages." }] },
    ]);
    expect(result.usage.byRole.Agent?.totalTokens).toBe(server.usage.byRole.agent?.totalTokens);
  });

  it("keeps concurrent scenario threads apart in one checkpointer", async () => {
    agentBehaviour = (request) => `echo ${request.messages.at(-1)?.content}`;
    const checkpointer = new MemorySaver();
    const model = chatModel();
    const graph = new StateGraph(MessagesAnnotation)
      .addNode("reply", async (state) => ({ messages: [await model.invoke(state.messages)] }))
      .addEdge(START, "reply")
      .addEdge("reply", END)
      .compile({ checkpointer });
    const adapter = langGraphAdapter({ graph });
    const runFor = (threadId: string, line: string) =>
      scenario.run({
        name: threadId,
        description: "One user line.",
        threadId,
        agents: [adapter],
        script: [user(line), agent(), scenario.succeed()],
      });

    const results = await Promise.all([runFor("thread-a", "from a"), runFor("thread-b", "from b")]);
    expect(results.map((result) => result.messages.at(-1))).toEqual([
      { role: "assistant", content: [{ type: "text", text: "echo from a" }] },
      { role: "assistant", content: [{ type: "text", text: "echo from b" }] },
    ]);
    const humanLines = async (threadId: string) =>
      ((await graph.getState({ configurable: { thread_id: threadId } })).values.messages as BaseMessage[])
        .filter((message) => message.type === "human")
        .map((message) => message.text);
    expect(await humanLines("thread-a")).toEqual(["from a"]);
    expect(await humanLines("thread-b")).toEqual(["from b"]);
  });

  it("names the messages key when the graph's state has none", async () => {
    agentBehaviour = () => "hi";
    const graph = new StateGraph(MessagesAnnotation)
      .addNode("reply", async () => ({ messages: [new HumanMessage("x")] }))
      .addEdge(START, "reply")
      .addEdge("reply", END)
      .compile();
    const running = scenario.run({
      name: "wrong key",
      description: "The adapter reads the wrong key.",
      agents: [langGraphAdapter({ graph, messagesKey: "chat" })],
      script: [user("hello"), agent(), scenario.succeed()],
    });
    await expect(running).rejects.toThrow(
      '[LangGraph] The graph\'s output has no "chat" array of messages. Set `messagesKey`',
    );
  });
});
