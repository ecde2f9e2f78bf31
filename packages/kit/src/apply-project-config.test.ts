import { createOpenAI } from "@ai-sdk/openai";
import { configureScenarioLLM, getScenarioLLMConfig, resolveModel } from "@scenario/llm";
import { startFakeOpenAIServer } from "@scenario/testing";
import { generateText } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { applyProjectConfig } from "./apply-project-config";

afterEach(() => {
  configureScenarioLLM({ defaultModel: undefined, cacheMode: undefined, cacheDir: undefined });
});

describe("applyProjectConfig", () => {
  it("sets the default model and the cache settings of the LLM participants", () => {
    const model = createOpenAI({ apiKey: "k" })("gpt-4.1-mini");
    applyProjectConfig({ defaultModel: model, cacheMode: "replay", cacheDir: "/tmp/recordings" });
    expect(getScenarioLLMConfig()).toMatchObject({
      defaultModel: model,
      cacheMode: "replay",
      cacheDir: "/tmp/recordings",
    });
  });

  it("fills in temperature and maxTokens of { model, temperature, maxTokens } on every call", async () => {
    const server = await startFakeOpenAIServer({ reply: "ok" });
    try {
      const model = createOpenAI({ baseURL: server.baseURL, apiKey: "k" }).chat("gpt-4.1-mini");
      applyProjectConfig({ defaultModel: { model, temperature: 0.25, maxTokens: 77 } });
      await generateText({ model: resolveModel(), prompt: "hi" });
      await generateText({ model: resolveModel(), prompt: "hi", temperature: 0.9 });
      const bodies = server.requests.map((request) => request.body as Record<string, unknown>);
      expect(bodies[0]).toMatchObject({ temperature: 0.25, max_tokens: 77 });
      // A participant's own setting wins over the config's.
      expect(bodies[1]).toMatchObject({ temperature: 0.9, max_tokens: 77 });
    } finally {
      await server.close();
    }
  });

  it("passes a model given as { model } alone through unchanged", () => {
    const model = createOpenAI({ apiKey: "k" })("gpt-4.1-mini");
    applyProjectConfig({ defaultModel: { model } });
    expect(getScenarioLLMConfig().defaultModel).toBe(model);
  });
});
