// The adapter conformance suite, with a real Mastra agent whose model is the fake OpenAI server
// (and a second fake that answers every request with a 500, for the error checks). Mastra needs
// Node 22.13+: on Node 20 the suite is skipped and says so; it runs in the Node 22 leg of CI.

import { createOpenAI } from "@ai-sdk/openai";
import type { Agent } from "@mastra/core/agent";
import { mastraAdapter } from "@scenario/adapter-mastra";
import { describeAdapterConformance } from "@scenario/adapter-testkit";
import { run } from "@scenario/core";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@scenario/testing";
import { afterAll, beforeAll, expect } from "vitest";
import { z } from "zod";
import { lookupEchoReply } from "../../../tooling/test-helpers/lookup-echo-reply";
import { asMastraModel } from "./mastra-model";
import { describeOnNode22 } from "./node-22";

const API_KEY = "sk-conformance-mastra-secret-0042";

describeOnNode22("mastraAdapter conformance", () => {
  let server: FakeOpenAIServer;
  let failingServer: FakeOpenAIServer;
  let createAgent: (baseURL: string, withTools?: boolean) => Agent;

  beforeAll(async () => {
    process.env.MASTRA_TELEMETRY_DISABLED = "1";
    // Loaded here, not at the top: on Node 20 the suite must skip without loading Mastra.
    const [{ Agent: MastraAgent }, { createTool }] = await Promise.all([
      import("@mastra/core/agent"),
      import("@mastra/core/tools"),
    ]);
    const lookup = createTool({
      id: "lookup",
      description: "Looks a key up.",
      inputSchema: z.object({ key: z.string() }),
      execute: async ({ key }) => `value of ${key}`,
    });
    createAgent = (baseURL, withTools = false) =>
      new MastraAgent({
        id: "echo",
        name: "Echo",
        instructions: "Echo.",
        model: asMastraModel(createOpenAI({ apiKey: API_KEY, baseURL })("gpt-agent")),
        ...(withTools ? { tools: { lookup } } : {}),
      });
    server = await startFakeOpenAIServer({
      reply: lookupEchoReply,
    });
    failingServer = await startFakeOpenAIServer({
      fault: () => ({ type: "server-error", message: "model down" }),
    });
  });

  afterAll(async () => {
    await server?.close();
    await failingServer?.close();
  });

  describeAdapterConformance(() => mastraAdapter({ agent: createAgent(server.baseURL) }), {
    name: "Echo",
    failing: () =>
      mastraAdapter({
        agent: createAgent(failingServer.baseURL),
        generateOptions: { modelSettings: { maxRetries: 0 } },
      }),
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
        create: () =>
          mastraAdapter({ agent: createAgent(server.baseURL, true), generateOptions: { maxSteps: 3 } }),
        expect: (messages) => {
          expect(messages.map((message) => message.role)).toEqual(["assistant", "tool", "assistant"]);
          expect(JSON.stringify(messages[1])).toContain("value of a");
        },
      },
    ],
    run,
  });
});
