import { createOpenAI } from "@ai-sdk/openai";
import { generateText, jsonSchema, type LanguageModel, type ModelMessage, stepCountIs, tool } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "./fake-openai-server";
import type { FakeModelRequest } from "./fake-openai-types";
import { judgeBehaviour } from "./judge-behaviour";
import { scenarioBehaviour } from "./scenario-behaviour";
import { userSimulatorPersona } from "./user-simulator-persona";

const ENDPOINTS = [
  { name: "chat completions", path: "/v1/chat/completions" },
  { name: "responses", path: "/v1/responses" },
] as const;

function modelFor(server: FakeOpenAIServer, path: string): LanguageModel {
  const openai = createOpenAI({ baseURL: server.baseURL, apiKey: "test-key" });
  return path === "/v1/chat/completions" ? openai.chat("gpt-4o-mini") : openai("gpt-4o-mini");
}

const CRITERIA = ["The agent looks the order up", "The agent gives a delivery date"];
const JUDGE = { "X-Scenario-Role": "judge" };
const USER_SIMULATOR = { "X-Scenario-Role": "user-simulator" };

/** The judge's tools exactly as the cross-team contract defines them. */
function judgeTools(criteria: string[]) {
  return {
    continue_test: tool({
      description: "Not enough evidence yet: let the conversation go on.",
      inputSchema: jsonSchema<Record<string, never>>({
        type: "object",
        properties: {},
        additionalProperties: false,
      }),
    }),
    finish_test: tool({
      description: "Give the verdict on every criterion.",
      inputSchema: jsonSchema<{
        verdicts: Array<{ criterion: string; verdict: "met" | "unmet" | "inconclusive"; reasoning: string }>;
        reasoning: string;
      }>({
        type: "object",
        properties: {
          verdicts: {
            type: "array",
            items: {
              type: "object",
              properties: {
                criterion: { type: "string", enum: criteria },
                verdict: { type: "string", enum: ["met", "unmet", "inconclusive"] },
                reasoning: { type: "string" },
              },
              required: ["criterion", "verdict", "reasoning"],
              additionalProperties: false,
            },
          },
          reasoning: { type: "string" },
        },
        required: ["verdicts", "reasoning"],
        additionalProperties: false,
      }),
    }),
  };
}

describe("userSimulatorPersona", () => {
  const request = { messages: [{ role: "user", content: "hi" }] } as FakeModelRequest;

  it("says its lines in order, then fails saying the lines are used up", async () => {
    const persona = userSimulatorPersona(["first", "second"]);
    expect(await persona(request)).toEqual({ text: "first" });
    expect(await persona(request)).toEqual({ text: "second" });
    expect(() => persona(request)).toThrow(/all 2 lines are used/);
  });

  it("writes lines with a function of the conversation", async () => {
    const persona = userSimulatorPersona((conversation) => `You said ${conversation.at(-1)?.content}`);
    expect(await persona(request)).toEqual({ text: "You said hi" });
  });

  it("rejects an empty script", () => {
    expect(() => userSimulatorPersona([])).toThrow(/non-empty array/);
  });
});

describe.each(ENDPOINTS)("behaviours through $name", ({ path }) => {
  let server: FakeOpenAIServer;
  let model: LanguageModel;

  beforeEach(async () => {
    server = await startFakeOpenAIServer();
    model = modelFor(server, path);
  });
  afterEach(async () => {
    await server.close();
  });

  it("the judge calls finish_test when the tool choice forces it, even when it would continue", async () => {
    server.setReply(judgeBehaviour({ decide: () => "continue" }));
    const result = await generateText({
      model,
      prompt: "Judge this conversation.",
      headers: JUDGE,
      tools: judgeTools(CRITERIA),
      toolChoice: { type: "tool", toolName: "finish_test" },
    });

    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]?.toolName).toBe("finish_test");
    expect(result.toolCalls[0]?.input).toEqual({
      verdicts: CRITERIA.map((criterion) => ({
        criterion,
        verdict: "inconclusive",
        reasoning: expect.any(String),
      })),
      reasoning: expect.stringContaining("forced"),
    });
    const sentChoice = server.requests[0]?.body as { tool_choice: unknown };
    expect(sentChoice.tool_choice).toEqual(
      path === "/v1/chat/completions"
        ? { type: "function", function: { name: "finish_test" } }
        : { type: "function", name: "finish_test" },
    );
    expect(server.requests[0]?.request?.toolChoice).toEqual({ type: "tool", toolName: "finish_test" });
  });

  it("the judge continues before the agent has replied and finds all met after (the default)", async () => {
    server.setReply(judgeBehaviour());
    const early = await generateText({
      model,
      messages: [{ role: "user", content: "Where is my order?" }],
      headers: JUDGE,
      tools: judgeTools(CRITERIA),
      toolChoice: "required",
    });
    expect(early.toolCalls.map((call) => call.toolName)).toEqual(["continue_test"]);

    const late = await generateText({
      model,
      messages: [
        { role: "user", content: "Where is my order?" },
        { role: "assistant", content: "It arrives on Friday." },
      ],
      headers: JUDGE,
      tools: judgeTools(CRITERIA),
      toolChoice: "required",
    });
    expect(late.toolCalls[0]?.toolName).toBe("finish_test");
    expect(late.toolCalls[0]?.input).toMatchObject({
      verdicts: CRITERIA.map((criterion) => ({ criterion, verdict: "met" })),
    });
  });

  it("the judge's default reads a transcript sent as one user message (Scenario's judge does that)", async () => {
    server.setReply(judgeBehaviour());
    const ask = (transcript: string) =>
      generateText({
        model,
        messages: [{ role: "user", content: `<transcript>\n${transcript}\n</transcript>\n\nJudge it.` }],
        headers: JUDGE,
        tools: judgeTools(CRITERIA),
        toolChoice: "required",
      });
    const early = await ask("User: Where is my order?");
    expect(early.toolCalls.map((call) => call.toolName)).toEqual(["continue_test"]);
    const late = await ask("User: Where is my order?\nAgent: It arrives on Friday.");
    expect(late.toolCalls.map((call) => call.toolName)).toEqual(["finish_test"]);
  });

  it("the judge gives decide()'s verdicts by criterion text and rejects unknown criteria", async () => {
    server.setReply(
      judgeBehaviour({
        decide: ({ criteria, forced }) => {
          expect(criteria).toEqual(CRITERIA);
          expect(forced).toBe(false);
          return {
            verdicts: { [CRITERIA[1]!]: { verdict: "unmet", reasoning: "No date was given." } },
            reasoning: "One of two.",
          };
        },
      }),
    );
    const result = await generateText({
      model,
      prompt: "Judge.",
      headers: JUDGE,
      tools: judgeTools(CRITERIA),
    });
    expect(result.toolCalls[0]?.input).toEqual({
      verdicts: [
        { criterion: CRITERIA[0], verdict: "met", reasoning: expect.any(String) },
        { criterion: CRITERIA[1], verdict: "unmet", reasoning: "No date was given." },
      ],
      reasoning: "One of two.",
    });

    server.setReply(judgeBehaviour({ decide: () => ({ verdicts: { "A typo'd criterion": "met" } }) }));
    await expect(
      generateText({ model, prompt: "Judge.", headers: JUDGE, tools: judgeTools(CRITERIA), maxRetries: 0 }),
    ).rejects.toMatchObject({ statusCode: 500, message: expect.stringContaining("A typo'd criterion") });
  });

  it("the judge fails clearly on a request without finish_test", async () => {
    server.setReply(judgeBehaviour());
    await expect(
      generateText({ model, prompt: "Judge.", headers: JUDGE, maxRetries: 0 }),
    ).rejects.toMatchObject({
      statusCode: 500,
      message: expect.stringContaining("no finish_test tool"),
    });
  });

  it("routes by X-Scenario-Role and fails clearly for a role without a behaviour", async () => {
    server.setReply(
      scenarioBehaviour({
        userSimulator: userSimulatorPersona(["I am the user"]),
        agent: (request) => `Agent heard: ${request.messages.at(-1)?.content}`,
      }),
    );
    expect((await generateText({ model, prompt: "p", headers: USER_SIMULATOR })).text).toBe("I am the user");
    expect((await generateText({ model, prompt: "hello" })).text).toBe("Agent heard: hello");
    const judged = await generateText({
      model,
      prompt: "Judge.",
      headers: JUDGE,
      tools: judgeTools(CRITERIA),
      toolChoice: { type: "tool", toolName: "finish_test" },
    });
    expect(judged.toolCalls[0]?.toolName).toBe("finish_test");
    await expect(
      generateText({ model, prompt: "x", headers: { "X-Scenario-Role": "narrator" }, maxRetries: 0 }),
    ).rejects.toMatchObject({ message: expect.stringContaining('unknown X-Scenario-Role "narrator"') });
    expect(server.requests.map((entry) => entry.role)).toEqual([
      "user-simulator",
      "agent",
      "judge",
      "narrator",
    ]);

    server.setReply(scenarioBehaviour({}));
    await expect(generateText({ model, prompt: "x", maxRetries: 0 })).rejects.toMatchObject({
      message: expect.stringContaining("no `agent` behaviour"),
    });
  });

  it("runs a whole simulated conversation through real tool calls", async () => {
    const lookups: string[] = [];
    const lookupOrder = tool({
      description: "Looks an order up by id.",
      inputSchema: jsonSchema<{ orderId: string }>({
        type: "object",
        properties: { orderId: { type: "string" } },
        required: ["orderId"],
        additionalProperties: false,
      }),
      execute: async ({ orderId }) => {
        lookups.push(orderId);
        return { orderId, deliveryDate: "Friday" };
      },
    });
    server.setReply(
      scenarioBehaviour({
        userSimulator: userSimulatorPersona(["Where is order 42?", "And order 7?"]),
        agent: (request) => {
          const last = request.messages.at(-1);
          if (last?.role === "tool") return `It arrives on ${JSON.parse(last.content).deliveryDate}.`;
          const orderId = last?.content.match(/\d+/)?.[0] ?? "unknown";
          return { toolCalls: [{ name: "lookupOrder", arguments: { orderId } }] };
        },
        judge: judgeBehaviour({
          decide: ({ messages }) =>
            messages.filter((message) => message.role === "user").length >= 2
              ? { verdicts: { [CRITERIA[1]!]: "unmet" } }
              : "continue",
        }),
      }),
    );

    const conversation: ModelMessage[] = [];
    let verdict: unknown;
    for (let turn = 0; turn < 4 && verdict === undefined; turn += 1) {
      const user = await generateText({
        model,
        system: "You play a customer.",
        prompt: "Say your next line.",
        headers: USER_SIMULATOR,
      });
      conversation.push({ role: "user", content: user.text });
      const agent = await generateText({
        model,
        messages: conversation,
        tools: { lookupOrder },
        stopWhen: stepCountIs(3),
      });
      // Every step's messages: AI SDK 7 keeps them in responseMessages, AI SDK 6 in response.messages.
      const produced =
        (agent as { responseMessages?: ModelMessage[] }).responseMessages ?? agent.response.messages;
      conversation.push(...produced);
      const judge = await generateText({
        model,
        system: "You judge the conversation.",
        messages: conversation,
        headers: JUDGE,
        tools: judgeTools(CRITERIA),
        toolChoice: "required",
      });
      const call = judge.toolCalls[0];
      if (call?.toolName === "finish_test") verdict = call.input;
    }

    expect(lookups).toEqual(["42", "7"]);
    expect(verdict).toMatchObject({
      verdicts: [
        { criterion: CRITERIA[0], verdict: "met" },
        { criterion: CRITERIA[1], verdict: "unmet" },
      ],
    });
    const texts = conversation.filter((message) => typeof message.content === "string").map((m) => m.content);
    expect(texts).toEqual(["Where is order 42?", "And order 7?"]);
    expect(server.requests.map((entry) => entry.role)).toEqual([
      "user-simulator",
      "agent",
      "agent",
      "judge",
      "user-simulator",
      "agent",
      "agent",
      "judge",
    ]);
    // The judge saw the agent's tool call and its result in the second round.
    const judgeMessages = server.requests[7]?.request?.messages ?? [];
    expect(
      judgeMessages.some((message) => message.role === "tool" && message.content.includes("Friday")),
    ).toBe(true);
    expect(judgeMessages.filter((message) => message.role === "assistant").map((m) => m.content)).toContain(
      "It arrives on Friday.",
    );
    expect(server.usage.byRole.judge?.replies).toBe(2);
  });
});
