// The adapter conformance suite, with the OpenAI Agents SDK running for real against the fake
// OpenAI server (and a second fake that answers every request with a 500, for the error checks).

import { Agent, OpenAIResponsesModel, setTracingDisabled, tool } from "@openai/agents";
import { openAIAgentsAdapter } from "@scenario/adapter-openai-agents";
import { describeAdapterConformance } from "@scenario/adapter-testkit";
import { run } from "@scenario/core";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@scenario/testing";
import OpenAI from "openai";
import { afterAll, beforeAll, expect } from "vitest";
import { z } from "zod";
import { lookupEchoReply } from "../../../tooling/test-helpers/lookup-echo-reply";

const API_KEY = "sk-conformance-agents-secret-0042";
let server: FakeOpenAIServer;
let failingServer: FakeOpenAIServer;

beforeAll(async () => {
  setTracingDisabled(true);
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

function agentOn(baseURL: string, tools: Agent["tools"] = []) {
  const client = new OpenAI({ apiKey: API_KEY, baseURL, maxRetries: 0 });
  return new Agent({
    name: "Echo",
    instructions: "Echo.",
    model: new OpenAIResponsesModel(client, "gpt-agent"),
    tools,
  });
}

const lookup = tool({
  name: "lookup",
  description: "Looks a key up.",
  parameters: z.object({ key: z.string() }),
  execute: async ({ key }) => `value of ${key}`,
});

describeAdapterConformance(() => openAIAgentsAdapter({ agent: agentOn(server.baseURL) }), {
  name: "Echo",
  failing: () => openAIAgentsAdapter({ agent: agentOn(failingServer.baseURL) }),
  reportsUsage: true,
  received: () => JSON.stringify(server.requests),
  secrets: [API_KEY],
  returnShapes: [
    {
      name: "text only",
      expect: (messages) => expect(messages.map((message) => message.role)).toEqual(["assistant"]),
    },
    {
      name: "a tool call, its result and an answer",
      create: () => openAIAgentsAdapter({ agent: agentOn(server.baseURL, [lookup]) }),
      expect: (messages) => {
        expect(messages.map((message) => message.role)).toEqual(["assistant", "tool", "assistant"]);
        expect(JSON.stringify(messages[1])).toContain("value of a");
      },
    },
  ],
  run,
});
