import { createOpenAI } from "@ai-sdk/openai";
import { generateText, jsonSchema, type LanguageModel, stepCountIs, streamText, tool } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { estimateTokens } from "./estimate-tokens";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "./fake-openai-server";
import type { FakeModelRequest } from "./fake-openai-types";

const ENDPOINTS = [
  { name: "chat completions", path: "/v1/chat/completions" },
  { name: "responses", path: "/v1/responses" },
] as const;

function modelFor(server: FakeOpenAIServer, path: string, modelId = "gpt-4o-mini"): LanguageModel {
  const openai = createOpenAI({ baseURL: server.baseURL, apiKey: "test-key" });
  return path === "/v1/chat/completions" ? openai.chat(modelId) : openai(modelId);
}

const weatherTool = (calls: string[]) =>
  tool({
    description: "The weather in a city.",
    inputSchema: jsonSchema<{ city: string }>({
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
      additionalProperties: false,
    }),
    execute: async ({ city }) => {
      calls.push(city);
      return `sunny in ${city}`;
    },
  });

describe("estimateTokens", () => {
  it("counts word runs and punctuation marks", () => {
    expect(estimateTokens("Hello there, friend!")).toBe(5);
    expect(estimateTokens("  ")).toBe(0);
    expect(estimateTokens("snake_case 42x")).toBe(2);
  });
});

describe.each(ENDPOINTS)("startFakeOpenAIServer through $name", ({ path }) => {
  let server: FakeOpenAIServer;
  let model: LanguageModel;

  beforeEach(async () => {
    server = await startFakeOpenAIServer();
    model = modelFor(server, path);
  });
  afterEach(async () => {
    await server.close();
  });

  it("answers generateText with a queued text reply and counts usage the client sees", async () => {
    server.enqueueReply("Hello there, friend!");
    const result = await generateText({
      model,
      system: "Be brief.",
      prompt: "What is the weather in Paris?",
    });

    expect(result.text).toBe("Hello there, friend!");
    // "Be brief." is 3 tokens, "What is the weather in Paris?" 7, the reply 5.
    expect(result.usage.inputTokens).toBe(10);
    expect(result.usage.outputTokens).toBe(5);
    expect(result.usage.totalTokens).toBe(15);
    expect(server.requests[0]?.usage).toEqual({ inputTokens: 10, outputTokens: 5, totalTokens: 15 });
    expect(server.usage).toMatchObject({ inputTokens: 10, outputTokens: 5, totalTokens: 15, replies: 1 });
  });

  it("streams text with streamText, with usage", async () => {
    server.enqueueReply({ text: "One two three, four.", usage: { inputTokens: 42 } });
    const result = streamText({ model, prompt: "Count." });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);

    expect(deltas.join("")).toBe("One two three, four.");
    expect(deltas.length).toBeGreaterThan(1);
    const usage = await result.usage;
    expect(usage.inputTokens).toBe(42);
    // One, two, three, ",", four, "."
    expect(usage.outputTokens).toBe(6);
    expect(server.requests[0]?.request?.stream).toBe(true);
    expect(server.usage.inputTokens).toBe(42);
  });

  it("round-trips a tool call with generateText and the tool's result reaches the next request", async () => {
    const calls: string[] = [];
    server.enqueueReply(
      { toolCalls: [{ name: "weather", arguments: { city: "Paris" } }] },
      "It is sunny in Paris.",
    );
    const result = await generateText({
      model,
      prompt: "Weather in Paris?",
      tools: { weather: weatherTool(calls) },
      stopWhen: stepCountIs(3),
    });

    expect(calls).toEqual(["Paris"]);
    expect(result.text).toBe("It is sunny in Paris.");
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolCalls[0]).toMatchObject({ toolName: "weather", input: { city: "Paris" } });
    const second = server.requests[1]?.request;
    expect(second?.tools.map((offered) => offered.name)).toEqual(["weather"]);
    expect(second?.messages).toEqual([
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: "",
        toolCalls: [{ id: "call_fake0_0", name: "weather", arguments: { city: "Paris" } }],
      },
      { role: "tool", toolCallId: "call_fake0_0", content: "sunny in Paris" },
    ]);
    expect(result.totalUsage.inputTokens).toBe(server.usage.inputTokens);
    expect(result.totalUsage.outputTokens).toBe(server.usage.outputTokens);
  });

  it("streams text and tool calls together, and the follow-up sees both", async () => {
    const calls: string[] = [];
    server.enqueueReply(
      {
        text: "Let me check.",
        toolCalls: [{ name: "weather", arguments: { city: "Rome" }, id: "call_rome" }],
      },
      "Sunny in Rome.",
    );
    const result = streamText({
      model,
      prompt: "Weather in Rome?",
      tools: { weather: weatherTool(calls) },
      stopWhen: stepCountIs(3),
    });

    expect(await result.text).toBe("Sunny in Rome.");
    const steps = await result.steps;
    expect(steps[0]?.text).toBe("Let me check.");
    expect(steps[0]?.toolCalls[0]).toMatchObject({ toolCallId: "call_rome", input: { city: "Rome" } });
    expect(calls).toEqual(["Rome"]);
    expect(server.requests[1]?.request?.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: "Let me check.",
        toolCalls: [{ id: "call_rome", name: "weather", arguments: { city: "Rome" } }],
      },
      { role: "tool", toolCallId: "call_rome", content: "sunny in Rome" },
    ]);
    const usage = await result.totalUsage;
    expect(usage.totalTokens).toBe(server.usage.totalTokens);
  });

  it("streams a tool-only reply without an empty text part", async () => {
    server.enqueueReply({ toolCalls: [{ name: "weather", arguments: { city: "Oslo" } }] }, "Cold.");
    const result = streamText({
      model,
      prompt: "Weather in Oslo?",
      tools: { weather: weatherTool([]) },
      stopWhen: stepCountIs(2),
    });
    const steps = await result.steps;
    expect(steps[0]?.content.map((part) => part.type)).toEqual(["tool-call", "tool-result"]);
    expect(steps[0]?.finishReason).toBe("tool-calls");
    expect(steps[1]?.finishReason).toBe("stop");
  });

  it("hands the reply function the normalised request and logs it with credentials redacted", async () => {
    const seen: FakeModelRequest[] = [];
    server.setReply((request) => {
      seen.push(request);
      return `You said ${request.messages.at(-1)?.content}`;
    });
    const result = await generateText({
      model,
      system: "Stay calm.",
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: "ok" },
        { role: "user", content: "second" },
      ],
      tools: { weather: weatherTool([]) },
      toolChoice: "none",
      headers: { "X-Scenario-Role": "user-simulator", "X-Api-Key": "another-secret" },
    });

    expect(result.text).toBe("You said second");
    const request = seen[0]!;
    expect(request).toMatchObject({
      model: "gpt-4o-mini",
      role: "user-simulator",
      toolChoice: "none",
      stream: false,
      index: 0,
    });
    expect(request.endpoint).toBe(path === "/v1/responses" ? "responses" : "chat.completions");
    expect(request.messages).toEqual([
      { role: "system", content: "Stay calm." },
      { role: "user", content: "first" },
      { role: "assistant", content: "ok", toolCalls: [] },
      { role: "user", content: "second" },
    ]);
    expect(request.tools[0]).toMatchObject({ name: "weather", description: "The weather in a city." });
    expect(request.tools[0]?.parameters).toMatchObject({ properties: { city: { type: "string" } } });

    const entry = server.requests[0]!;
    expect(entry).toMatchObject({ index: 0, method: "POST", path, model: "gpt-4o-mini", status: 200 });
    expect(entry.role).toBe("user-simulator");
    expect(entry.headers["x-scenario-role"]).toBe("user-simulator");
    expect(entry.headers.authorization).toBe("[REDACTED]");
    expect(entry.headers["x-api-key"]).toBe("[REDACTED]");
    expect(entry.body).toMatchObject({ model: "gpt-4o-mini" });
    expect(Math.abs(entry.receivedAt - Date.now())).toBeLessThan(60_000);
    expect(JSON.stringify(server.requests)).not.toContain("test-key");
    expect(JSON.stringify(server.requests)).not.toContain("another-secret");
  });

  it("uses queued replies before the reply function, and fails clearly with neither", async () => {
    server.setReply("from the function");
    server.enqueueReply("from the queue");
    expect((await generateText({ model, prompt: "a" })).text).toBe("from the queue");
    expect((await generateText({ model, prompt: "b" })).text).toBe("from the function");

    server.setReply(undefined);
    await expect(generateText({ model, prompt: "c", maxRetries: 0 })).rejects.toMatchObject({
      statusCode: 500,
      message: expect.stringContaining("No reply configured"),
    });
    expect(server.requests[2]?.error).toContain("No reply configured");
    expect(server.usage.replies).toBe(2);
  });

  it("answers with a 500 naming the error when the reply function throws", async () => {
    server.setReply(() => {
      throw new Error("the persona ran dry");
    });
    await expect(generateText({ model, prompt: "a", maxRetries: 0 })).rejects.toMatchObject({
      statusCode: 500,
      message: expect.stringContaining("the persona ran dry"),
    });
  });

  it("delays answers by the global latency and by a reply's own latency", async () => {
    server.setLatency(120);
    server.enqueueReply({ text: "slow", latencyMs: 120 });
    const startedAt = performance.now();
    await generateText({ model, prompt: "a" });
    // Generous lower bound only: a loaded machine can only make it slower.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(200);
  });
});

describe("startFakeOpenAIServer", () => {
  it("tracks usage per role and resets", async () => {
    const server = await startFakeOpenAIServer({ reply: "fine" });
    try {
      const model = modelFor(server, "/v1/chat/completions");
      await generateText({ model, prompt: "one two" });
      await generateText({ model, prompt: "three", headers: { "X-Scenario-Role": "judge" } });
      expect(server.usage).toEqual({
        inputTokens: 3,
        outputTokens: 2,
        totalTokens: 5,
        replies: 2,
        byRole: {
          agent: { inputTokens: 2, outputTokens: 1, totalTokens: 3, replies: 1 },
          judge: { inputTokens: 1, outputTokens: 1, totalTokens: 2, replies: 1 },
        },
      });
      server.reset();
      expect(server.requests).toHaveLength(0);
      expect(server.usage.replies).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("rejects bad bodies and unknown paths with OpenAI-style errors", async () => {
    const server = await startFakeOpenAIServer({ reply: "unused" });
    try {
      const notJson = await fetch(`${server.baseURL}/chat/completions`, { method: "POST", body: "{oops" });
      expect(notJson.status).toBe(400);
      expect(await notJson.json()).toMatchObject({ error: { type: "invalid_request_error" } });

      const noModel = await fetch(`${server.baseURL}/responses`, { method: "POST", body: "{}" });
      expect(noModel.status).toBe(400);
      expect((await noModel.json()).error.message).toContain("model");

      const unknownItem = await fetch(`${server.baseURL}/responses`, {
        method: "POST",
        body: JSON.stringify({ model: "m", input: [{ type: "item_reference", id: "msg_nope" }] }),
      });
      expect(unknownItem.status).toBe(400);
      expect((await unknownItem.json()).error.message).toContain("msg_nope");

      const unknownPath = await fetch(`${server.url}/chat/completions`, { method: "POST", body: "{}" });
      expect(unknownPath.status).toBe(404);
      expect((await unknownPath.json()).error.message).toContain("baseURL");

      expect(server.requests.map((entry) => entry.status)).toEqual([400, 400, 400, 404]);
      expect(server.usage.replies).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("rejects invalid options with a ConfigurationError", async () => {
    await expect(startFakeOpenAIServer({ latencyMs: -1 })).rejects.toMatchObject({ code: "CONFIG_INVALID" });
    const server = await startFakeOpenAIServer();
    try {
      expect(() => server.enqueueFault({ type: "explode" } as never)).toThrow(/Unknown fault/);
      expect(() => server.enqueueFault({ type: "hang" }, 0)).toThrow(/times/);
    } finally {
      await server.close();
    }
  });

  it("redacts every credential header in the log, token and cookie headers included", async () => {
    const server = await startFakeOpenAIServer({ reply: "ok" });
    try {
      const response = await fetch(`${server.baseURL}/chat/completions`, {
        method: "POST",
        headers: {
          "X-Auth-Token": "tok-header-secret",
          "Proxy-Authorization": "Basic proxy-secret",
          Cookie: "session=cookie-secret",
          "X-Client-Secret": "client-secret-value",
        },
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(response.status).toBe(200);
      const entry = server.requests[0]!;
      expect(entry.headers["x-auth-token"]).toBe("[REDACTED]");
      expect(entry.headers["proxy-authorization"]).toBe("[REDACTED]");
      expect(entry.headers.cookie).toBe("[REDACTED]");
      expect(entry.headers["x-client-secret"]).toBe("[REDACTED]");
      expect(JSON.stringify(server.requests)).not.toMatch(
        /tok-header|proxy-secret|cookie-secret|secret-value/,
      );
    } finally {
      await server.close();
    }
  });

  it("does not keep the process alive unless asked to", async () => {
    const listening = () =>
      process.getActiveResourcesInfo().filter((resource) => resource === "TCPServerWrap").length;
    const before = listening();
    const quiet = await startFakeOpenAIServer();
    expect(listening()).toBe(before);
    const kept = await startFakeOpenAIServer({ keepProcessAlive: true });
    expect(listening()).toBe(before + 1);
    await Promise.all([quiet.close(), kept.close(), kept.close()]);
    // Node releases the handle a loop turn after the close callback: poll, bounded.
    for (let turn = 0; turn < 100 && listening() !== before; turn += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(listening()).toBe(before);
    await expect(fetch(`${kept.baseURL}/chat/completions`, { method: "POST" })).rejects.toThrow();
  });
});
