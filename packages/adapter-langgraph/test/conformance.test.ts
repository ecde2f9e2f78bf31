// The adapter conformance suite, with a real LangGraph graph whose ChatOpenAI model talks to the
// fake OpenAI server (and to a second fake that answers every request with a 500, for the error checks).

import { tool } from "@langchain/core/tools";
import { END, MemorySaver, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { ChatOpenAI } from "@langchain/openai";
import { langGraphAdapter } from "@scenario/adapter-langgraph";
import { describeAdapterConformance } from "@scenario/adapter-testkit";
import { run } from "@scenario/core";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@scenario/testing";
import { afterAll, beforeAll, expect } from "vitest";
import { z } from "zod";
import { lookupEchoReply } from "../../../tooling/test-helpers/lookup-echo-reply";

const API_KEY = "sk-conformance-langgraph-secret-0042";
let server: FakeOpenAIServer;
let failingServer: FakeOpenAIServer;

beforeAll(async () => {
  server = await startFakeOpenAIServer({
    reply: lookupEchoReply,
  });
  failingServer = await startFakeOpenAIServer({
    fault: () => ({ type: "server-error", message: "model down" }),
  });
});

afterAll(async () => {
  await server.close();
  await failingServer.close();
});

const lookup = tool(async ({ key }: { key: string }) => `value of ${key}`, {
  name: "lookup",
  description: "Looks a key up.",
  schema: z.object({ key: z.string() }),
});

/** A model node and, when it has tools, a tool node; with its own checkpointer, so every check starts fresh. */
function graphOn(baseURL: string, withTools = false) {
  const chat = new ChatOpenAI({
    model: "gpt-agent",
    apiKey: API_KEY,
    maxRetries: 0,
    configuration: { baseURL },
  });
  const model = withTools ? chat.bindTools([lookup]) : chat;
  return new StateGraph(MessagesAnnotation)
    .addNode("agent", async (state) => ({ messages: [await model.invoke(state.messages)] }))
    .addNode("tools", new ToolNode([lookup]))
    .addEdge(START, "agent")
    .addConditionalEdges("agent", (state) => {
      const last = state.messages.at(-1) as { tool_calls?: unknown[] } | undefined;
      return (last?.tool_calls?.length ?? 0) > 0 ? "tools" : END;
    })
    .addEdge("tools", "agent")
    .compile({ checkpointer: new MemorySaver() });
}

describeAdapterConformance(() => langGraphAdapter({ graph: graphOn(server.baseURL), name: "ReactGraph" }), {
  name: "ReactGraph",
  failing: () => langGraphAdapter({ graph: graphOn(failingServer.baseURL), name: "ReactGraph" }),
  reportsUsage: true,
  received: () => JSON.stringify(server.requests),
  secrets: [API_KEY],
  returnShapes: [
    {
      name: "text only",
      expect: (messages) => expect(messages.map((message) => message.role)).toEqual(["assistant"]),
    },
    {
      name: "a tool call, its tool message and an answer",
      create: () => langGraphAdapter({ graph: graphOn(server.baseURL, true), name: "ReactGraph" }),
      expect: (messages) => {
        expect(messages.map((message) => message.role)).toEqual(["assistant", "tool", "assistant"]);
        expect(JSON.stringify(messages[1])).toContain("value of a");
      },
    },
    {
      name: "stream mode",
      create: () => langGraphAdapter({ graph: graphOn(server.baseURL), name: "ReactGraph", mode: "stream" }),
      expect: (messages) => expect(messages.map((message) => message.role)).toEqual(["assistant"]),
    },
  ],
  run,
});
