import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV2, LanguageModelV3 } from "@ai-sdk/provider";
import { ConfigurationError, ModelMissingError } from "@scenario/spec";
import { generateText } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { installedAiSdkMajor } from "./language-model";
import { configureScenarioLLM } from "./llm-config";
import { resolveModel } from "./resolve-model";

const SECRET = "sk-proj-secret-value-0123456789";

afterEach(() => configureScenarioLLM({ defaultModel: undefined }));

describe("resolveModel", () => {
  it("without a model, a default or a key, explains both ways to fix it", () => {
    const error = (() => {
      try {
        resolveModel(undefined, { env: {}, participant: "judgeAgent()" });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(ModelMissingError);
    expect(error?.message).toContain("Pass `model` to judgeAgent()");
    expect(error?.message).toContain("defaultModel in scenario.config.ts");
    expect(error?.message).toContain("OPENAI_API_KEY");
  });

  it("prefers the explicit model, then the configured default, then OpenAI from the environment", () => {
    const explicit = createOpenAI({ apiKey: "x" }).chat("explicit-model");
    const configured = createOpenAI({ apiKey: "x" }).chat("configured-model");
    const env = { OPENAI_API_KEY: SECRET, SCENARIO_MODEL: "gpt-from-env" };
    expect(resolveModel(undefined, { env }).modelId).toBe("gpt-from-env");
    configureScenarioLLM({ defaultModel: configured });
    expect(resolveModel(undefined, { env }).modelId).toBe("configured-model");
    expect(resolveModel(explicit, { env }).modelId).toBe("explicit-model");
  });

  it("defaults to gpt-4.1-mini and honours OPENAI_BASE_URL with the key, over real HTTP", async () => {
    const seen: Array<{ url: string | undefined; authorization: string | undefined; model: string }> = [];
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        seen.push({
          url: request.url,
          authorization: request.headers.authorization,
          model: JSON.parse(body).model,
        });
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: "nope" } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const model = resolveModel(undefined, { env: { OPENAI_API_KEY: SECRET, OPENAI_BASE_URL: baseURL } });
      await generateText({ model, prompt: "hi", maxRetries: 0 }).catch(() => undefined);
      expect(seen).toEqual([
        { url: "/v1/responses", authorization: `Bearer ${SECRET}`, model: "gpt-4.1-mini" },
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("rejects a plain model id string clearly, and resolves openai/<id>", () => {
    expect(() => resolveModel("gpt-4o", { env: { OPENAI_API_KEY: SECRET } })).toThrow(ConfigurationError);
    expect(() => resolveModel("gpt-4o", { env: { OPENAI_API_KEY: SECRET } })).toThrow(/openai\("gpt-4o"\)/);
    expect(resolveModel("openai/gpt-4o", { env: { OPENAI_API_KEY: SECRET } }).modelId).toBe("gpt-4o");
    expect(() => resolveModel("openai/gpt-4o", { env: {} })).toThrow(ModelMissingError);
  });

  it("with replayOnly and no key, returns the requested model, whose requests fail with ModelMissingError", async () => {
    const model = resolveModel("openai/gpt-4o", { env: {}, participant: "judgeAgent()", replayOnly: true });
    expect(model.modelId).toBe("gpt-4o");
    const error = await generateText({ model, prompt: "hi", maxRetries: 0 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ModelMissingError);
    expect((error as Error).message).toContain("Pass `model` to judgeAgent()");
  });

  it("resolves a plain id through a registered global default provider", () => {
    const holder = globalThis as { AI_SDK_DEFAULT_PROVIDER?: unknown };
    holder.AI_SDK_DEFAULT_PROVIDER = createOpenAI({ apiKey: "x" });
    try {
      expect(resolveModel("gpt-registered", { env: {} }).modelId).toBe("gpt-registered");
    } finally {
      delete holder.AI_SDK_DEFAULT_PROVIDER;
    }
  });

  it("never puts the key in an error message", () => {
    for (const model of ["gpt-4o", "anthropic/claude"]) {
      try {
        resolveModel(model, { env: { OPENAI_API_KEY: SECRET } });
      } catch (error) {
        expect((error as Error).message).not.toContain(SECRET);
      }
    }
  });

  it("passes a v2 model through unchanged, for the installed ai to call", async () => {
    const v2: LanguageModelV2 = {
      specificationVersion: "v2",
      provider: "legacy",
      modelId: "old-model",
      supportedUrls: {},
      doGenerate: async () => ({
        content: [{ type: "text", text: "from v2" }],
        finishReason: "stop",
        usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 },
        warnings: [],
      }),
      doStream: async () => {
        throw new Error("not used");
      },
    };
    (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
    const model = resolveModel(v2);
    expect(model).toBe(v2);
    const result = await generateText({ model, prompt: "hi" });
    expect(result.text).toBe("from v2");
    expect(result.finishReason).toBe("stop");
    expect(result.usage.inputTokens).toBe(5);
    expect(result.usage.outputTokens).toBe(2);
  });

  it("calls a v4 (AI SDK 7) model with ai 7, and names the upgrade with ai 6", async () => {
    const v4 = fakeV4Model("from v4");
    if (installedAiSdkMajor() === 7) {
      const model = resolveModel(v4 as unknown as LanguageModelV3);
      expect(model).toBe(v4);
      const result = await generateText({ model, prompt: "hi" });
      expect(result.text).toBe("from v4");
      expect(result.usage.inputTokens).toBe(3);
    } else {
      expect(installedAiSdkMajor()).toBe(6);
      expect(() => resolveModel(v4 as unknown as LanguageModelV3)).toThrow(ConfigurationError);
      expect(() => resolveModel(v4 as unknown as LanguageModelV3)).toThrow(
        /installed `ai` is 6\.x.*npm install ai@\^7/,
      );
    }
  });

  it("rejects models of an unknown specification version, naming the supported ones", () => {
    const future = { ...fakeV4Model("x"), specificationVersion: "v9" } as unknown as LanguageModelV3;
    expect(() => resolveModel(future)).toThrow(/Unsupported model specification version "v9"/);
    expect(() => resolveModel(future)).toThrow(/specification v2, v3, v4/);
    expect(() => resolveModel({ modelId: "m" } as unknown as LanguageModelV3)).toThrow(
      /not an AI SDK language model/,
    );
  });

  it("without @ai-sdk/openai installed, the default model's error gives the install command", () => {
    const missingPackage = () => {
      throw Object.assign(new Error("Cannot find module '@ai-sdk/openai'"), { code: "MODULE_NOT_FOUND" });
    };
    const resolve = () =>
      resolveModel(undefined, {
        env: { OPENAI_API_KEY: SECRET },
        participant: "judgeAgent()",
        loadOpenAIProvider: missingPackage,
      });
    expect(resolve).toThrow(ModelMissingError);
    expect(resolve).toThrow(/npm install @ai-sdk\/openai/);
    expect(resolve).not.toThrow(new RegExp(SECRET));
  });
});

/** A hand-made language model of AI SDK 7's specification, answering every call with `text`. */
function fakeV4Model(text: string) {
  const usage = {
    inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: 2, text: 2, reasoning: undefined },
  };
  return {
    specificationVersion: "v4" as const,
    provider: "handmade",
    modelId: "v4-model",
    supportedUrls: {},
    doGenerate: async () => ({
      content: [{ type: "text" as const, text }],
      finishReason: { unified: "stop" as const, raw: "stop" },
      usage,
      warnings: [],
    }),
    doStream: async () => ({
      stream: new ReadableStream({
        start(controller) {
          controller.enqueue({ type: "stream-start", warnings: [] });
          controller.enqueue({ type: "text-start", id: "t" });
          controller.enqueue({ type: "text-delta", id: "t", delta: text });
          controller.enqueue({ type: "text-end", id: "t" });
          controller.enqueue({ type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage });
          controller.close();
        },
      }),
    }),
  };
}
