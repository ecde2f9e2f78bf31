import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
} from "@ai-sdk/provider";
import { CacheMissError } from "@scenario/spec";
import { generateText, jsonSchema, streamText, tool } from "ai";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { configureScenarioLLM } from "./llm-config";
import { isCacheHit, resolveCacheMode, withScenarioCache } from "./scenario-cache";

const usage = {
  inputTokens: { total: 11, noCache: 11, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 4, text: 4, reasoning: undefined },
};

/** An in-memory model that counts its calls and answers with a numbered reply. */
function countingModel() {
  const calls: LanguageModelV3CallOptions[] = [];
  const model: LanguageModelV3 = {
    specificationVersion: "v3",
    provider: "fake.chat",
    modelId: "fake-model",
    supportedUrls: {},
    async doGenerate(options): Promise<LanguageModelV3GenerateResult> {
      calls.push(options);
      return {
        content: [
          { type: "text", text: `reply ${calls.length}` },
          { type: "file", mediaType: "application/octet-stream", data: new Uint8Array([1, 2, 3]) },
        ],
        finishReason: { unified: "stop", raw: "stop" },
        usage,
        warnings: [],
        response: {
          id: `response-${calls.length}`,
          timestamp: new Date("2030-01-02T03:04:05Z"),
          modelId: "fake",
        },
      };
    },
    async doStream(options) {
      calls.push(options);
      const parts: LanguageModelV3StreamPart[] = [
        { type: "stream-start", warnings: [] },
        { type: "text-start", id: "t" },
        { type: "text-delta", id: "t", delta: `streamed ` },
        { type: "text-delta", id: "t", delta: `${calls.length}` },
        { type: "text-end", id: "t" },
        { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage },
      ];
      return {
        stream: new ReadableStream({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  };
  return { model, calls };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "scenario-cache-"));
});
afterEach(async () => {
  configureScenarioLLM({ cacheMode: undefined, cacheDir: undefined });
  await rm(dir, { recursive: true, force: true });
});

/** The files in the cache directory (a scenario's cassette is one file at its top). */
async function recordingFiles(): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/**
 * `withScenarioCache` from a fresh copy of the module: it has not read any cassette yet, like a
 * new process (a replay trusts a cassette it already holds in memory).
 */
async function inNewProcess(): Promise<typeof withScenarioCache> {
  vi.resetModules();
  return (await import("./scenario-cache")).withScenarioCache;
}

/** The recorded lines of a cassette, parsed. */
async function cassetteLines(file: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(dir, file), "utf8");
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("withScenarioCache", () => {
  it("records a call, then replays it without calling the model, bytes and dates intact", async () => {
    const { model, calls } = countingModel();
    const cached = withScenarioCache(model, { cacheKey: "refund flow", dir });
    const first = await generateText({ model: cached, prompt: "Where is my refund?" });
    const second = await generateText({ model: cached, prompt: "Where is my refund?" });
    expect(calls).toHaveLength(1);
    expect(second.text).toBe(first.text);
    expect(second.usage).toEqual(first.usage);
    expect(isCacheHit(first)).toBe(false);
    expect(isCacheHit(second)).toBe(true);
    expect(second.files[0]?.uint8Array).toEqual(new Uint8Array([1, 2, 3]));
    expect(second.response.timestamp).toEqual(new Date("2030-01-02T03:04:05Z"));
    const files = await recordingFiles();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^refund-flow-[0-9a-f]{8}\.jsonl$/);
    const [line] = await cassetteLines(files[0]!);
    expect(line).toMatchObject({ version: 1, kind: "generate", cacheKey: "refund flow" });
    expect(line?.key).toMatch(/^[0-9a-f]{64}$/);
  });

  it("keys on the prompt, the settings, the tools and the cache key, but not on headers", async () => {
    const { model, calls } = countingModel();
    const cached = withScenarioCache(model, { cacheKey: "k", dir });
    const call = (overrides: Parameters<typeof generateText>[0] | object = {}) =>
      generateText({ model: cached, prompt: "hello", ...overrides } as Parameters<typeof generateText>[0]);
    await call();
    await call({ headers: { "X-Scenario-Role": "judge" } });
    expect(calls).toHaveLength(1);
    await call({ temperature: 0.3 });
    expect(calls).toHaveLength(2);
    await call({ prompt: "hello!" });
    expect(calls).toHaveLength(3);
    await call({ tools: { lookup: tool({ inputSchema: jsonSchema({ type: "object", properties: {} }) }) } });
    expect(calls).toHaveLength(4);
    await generateText({ model: withScenarioCache(model, { cacheKey: "other", dir }), prompt: "hello" });
    expect(calls).toHaveLength(5);
  });

  it("in replay mode a miss names the scenario, the model and the prompt", async () => {
    const { model, calls } = countingModel();
    const cached = withScenarioCache(model, { cacheKey: "checkout happy path", dir, mode: "replay" });
    const error = await generateText({
      model: cached,
      prompt: "I want to buy the red shoes",
      maxRetries: 0,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CacheMissError);
    const message = (error as Error).message;
    expect(message).toContain('scenario "checkout happy path"');
    expect(message).toContain("fake.chat/fake-model");
    expect(message).toContain('last user message: "I want to buy the red shoes"');
    expect(message).toContain("SCENARIO_CACHE_MODE=read-write");
    expect(calls).toHaveLength(0);
  });

  it("in replay mode serves what read-write recorded", async () => {
    const { model, calls } = countingModel();
    await generateText({ model: withScenarioCache(model, { cacheKey: "k", dir }), prompt: "hi" });
    const replayed = await generateText({
      model: withScenarioCache(model, { cacheKey: "k", dir, mode: "replay" }),
      prompt: "hi",
    });
    expect(replayed.text).toBe("reply 1");
    expect(calls).toHaveLength(1);
  });

  it("in record mode always calls the model and overwrites the recording", async () => {
    const { model, calls } = countingModel();
    await generateText({ model: withScenarioCache(model, { cacheKey: "k", dir }), prompt: "hi" });
    const recorded = await generateText({
      model: withScenarioCache(model, { cacheKey: "k", dir, mode: "record" }),
      prompt: "hi",
    });
    expect(recorded.text).toBe("reply 2");
    const replayed = await generateText({
      model: withScenarioCache(model, { cacheKey: "k", dir }),
      prompt: "hi",
    });
    expect(replayed.text).toBe("reply 2");
    expect(calls).toHaveLength(2);
    expect(await recordingFiles()).toHaveLength(1);
  });

  it("in off mode neither reads nor writes", async () => {
    const { model, calls } = countingModel();
    const cached = withScenarioCache(model, { cacheKey: "k", dir, mode: "off" });
    await generateText({ model: cached, prompt: "hi" });
    await generateText({ model: cached, prompt: "hi" });
    expect(calls).toHaveLength(2);
    expect(await readdir(dir)).toEqual([]);
  });

  it("treats a corrupt cassette as a miss: read-write re-records and heals it, replay reports it", async () => {
    const { model, calls } = countingModel();
    await generateText({ model: withScenarioCache(model, { cacheKey: "k", dir }), prompt: "hi" });
    const [file] = await recordingFiles();
    const [recorded] = await cassetteLines(file!);
    for (const corrupt of [
      '{"version": 1, "kind": "gener',
      `${JSON.stringify({ ...recorded, generate: {} })}\n`,
      "",
    ]) {
      await writeFile(join(dir, file!), corrupt);
      const replayIn = await inNewProcess();
      const replay = await generateText({
        model: replayIn(model, { cacheKey: "k", dir, mode: "replay" }),
        prompt: "hi",
        maxRetries: 0,
      }).catch((caught: unknown) => caught);
      // Another copy of the module throws another copy's class: recognise it as users do.
      expect(CacheMissError.isInstance(replay)).toBe(true);
      if (corrupt !== "") expect((replay as Error).message).toContain("unreadable");
    }
    await writeFile(join(dir, file!), '{"version": 1, "kind": "gener');
    const rerecorded = await generateText({
      model: withScenarioCache(model, { cacheKey: "k", dir }),
      prompt: "hi",
    });
    expect(rerecorded.text).toBe("reply 2");
    expect(calls).toHaveLength(2);
    // The rewrite dropped the broken line; what is left is the new recording alone.
    expect((await cassetteLines(file!)).map((line) => line.key)).toEqual([recorded?.key]);
    expect(await recordingFiles()).toEqual([file]);
  });

  it("a corrupt line is a miss for its call only; the others replay", async () => {
    const { model, calls } = countingModel();
    const cached = withScenarioCache(model, { cacheKey: "k", dir });
    for (const prompt of ["one", "two", "three"]) await generateText({ model: cached, prompt });
    const [file] = await recordingFiles();
    const lines = (await readFile(join(dir, file!), "utf8")).split("\n");
    lines[1] = lines[1]!.slice(0, 40);
    await writeFile(join(dir, file!), lines.join("\n"));
    const replaying = (await inNewProcess())(model, { cacheKey: "k", dir, mode: "replay" });
    expect((await generateText({ model: replaying, prompt: "one" })).text).toBe("reply 1");
    expect((await generateText({ model: replaying, prompt: "three" })).text).toBe("reply 3");
    const missing = await generateText({ model: replaying, prompt: "two", maxRetries: 0 }).catch(
      (caught: unknown) => caught,
    );
    expect(CacheMissError.isInstance(missing)).toBe(true);
    expect(calls).toHaveLength(3);
  });

  it("records a stream's parts and replays them as a stream", async () => {
    const { model, calls } = countingModel();
    const cached = withScenarioCache(model, { cacheKey: "stream", dir });
    const first = streamText({ model: cached, prompt: "stream please" });
    expect(await first.text).toBe("streamed 1");
    const second = streamText({ model: cached, prompt: "stream please" });
    expect(await second.text).toBe("streamed 1");
    expect((await second.usage).inputTokens).toBe(11);
    expect(calls).toHaveLength(1);
    const errors: unknown[] = [];
    const replayOnly = streamText({
      model: withScenarioCache(model, { cacheKey: "stream", dir, mode: "replay" }),
      prompt: "something else",
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    await Promise.resolve(replayOnly.text).catch(() => undefined);
    const [error] = errors;
    expect(error).toBeInstanceOf(CacheMissError);
    expect((error as Error).message).toContain("stream call");
  });

  it("keeps the model's specification version (v2, v4) and replays its calls", async () => {
    for (const version of ["v2", "v4"] as const) {
      let calls = 0;
      const model = {
        ...countingModel().model,
        specificationVersion: version,
        modelId: `model-${version}`,
        async doGenerate() {
          calls += 1;
          return {
            content: [{ type: "text", text: `${version} reply` }],
            finishReason: version === "v2" ? "stop" : { unified: "stop", raw: "stop" },
            usage: version === "v2" ? { inputTokens: 3, outputTokens: 2, totalTokens: 5 } : usage,
            warnings: [],
          };
        },
      } as unknown as LanguageModelV3;
      const cached = withScenarioCache(model, { cacheKey: `versions-${version}`, dir, mode: "read-write" });
      expect(cached.specificationVersion).toBe(version);
      const options = {
        prompt: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      } as LanguageModelV3CallOptions;
      const first = await cached.doGenerate(options);
      const second = await cached.doGenerate(options);
      expect(calls).toBe(1);
      expect(isCacheHit(second)).toBe(true);
      expect(second.content).toEqual(first.content);
    }
  });

  it("resolves the mode from options, then configureScenarioLLM, then SCENARIO_CACHE_MODE", () => {
    expect(resolveCacheMode(undefined, {})).toBe("read-write");
    expect(resolveCacheMode(undefined, { SCENARIO_CACHE_MODE: "replay" })).toBe("replay");
    configureScenarioLLM({ cacheMode: "record" });
    expect(resolveCacheMode(undefined, { SCENARIO_CACHE_MODE: "replay" })).toBe("record");
    expect(resolveCacheMode("off", { SCENARIO_CACHE_MODE: "replay" })).toBe("off");
    configureScenarioLLM({ cacheMode: undefined });
    expect(() => resolveCacheMode(undefined, { SCENARIO_CACHE_MODE: "sometimes" })).toThrow(
      /Invalid cache mode "sometimes" in the SCENARIO_CACHE_MODE environment variable/,
    );
  });

  it("uses the configured cache directory when none is given", async () => {
    configureScenarioLLM({ cacheDir: dir });
    const { model } = countingModel();
    await generateText({ model: withScenarioCache(model, { cacheKey: "configured" }), prompt: "hi" });
    expect(await recordingFiles()).toEqual([expect.stringMatching(/^configured-[0-9a-f]{8}\.jsonl$/)]);
  });

  it("leaves no temporary files behind", async () => {
    const { model } = countingModel();
    const cached = withScenarioCache(model, { cacheKey: "k", dir, mode: "record" });
    await Promise.all([1, 2, 3].map(() => generateText({ model: cached, prompt: "same" })));
    const files = await recordingFiles();
    expect(files).toHaveLength(1);
    expect(files.some((file) => file.endsWith(".tmp"))).toBe(false);
  });
});
