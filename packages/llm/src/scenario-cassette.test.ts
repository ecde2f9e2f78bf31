import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV3, LanguageModelV3CallOptions } from "@ai-sdk/provider";
import { CacheMissError } from "@scenario/spec";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@scenario/testing";
import { generateText, streamText } from "ai";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isCacheHit, withScenarioCache } from "./scenario-cache";

let dir: string;
let server: FakeOpenAIServer;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "scenario-cassette-"));
  server = await startFakeOpenAIServer({
    reply: (request) => `answer to ${request.messages.at(-1)?.content}`,
  });
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const openAIModel = () => createOpenAI({ baseURL: server.baseURL, apiKey: "sk-test" }).chat("gpt-4o-mini");

async function cassetteLines(): Promise<Array<Record<string, unknown>>> {
  const files = await readdir(dir);
  expect(files).toHaveLength(1);
  const text = await readFile(join(dir, files[0]!), "utf8");
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A model that answers "reply <n>" and counts its calls, with no server. */
function countingModel() {
  let calls = 0;
  const model = {
    specificationVersion: "v3",
    provider: "fake.chat",
    modelId: "fake-model",
    supportedUrls: {},
    async doGenerate() {
      calls += 1;
      return {
        content: [{ type: "text", text: `reply ${calls}` }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: { inputTokens: { total: 1 }, outputTokens: { total: 1 } },
        warnings: [],
      };
    },
    async doStream() {
      throw new Error("not streamed here");
    },
  } as unknown as LanguageModelV3;
  return { model, calls: () => calls };
}

describe("scenario cassettes", () => {
  it("a recorded conversation is one file, and replays with no request to the server", async () => {
    const recording = withScenarioCache(openAIModel(), { cacheKey: "order status", dir, mode: "read-write" });
    const prompts = ["Where is my order?", "It was order 42.", "Thanks!"];
    const recorded: string[] = [];
    for (const prompt of prompts) recorded.push((await generateText({ model: recording, prompt })).text);
    const streamed = await streamText({ model: recording, prompt: "Stream the summary." }).text;
    expect(server.requests).toHaveLength(4);

    const files = await readdir(dir);
    expect(files).toEqual([expect.stringMatching(/^order-status-[0-9a-f]{8}\.jsonl$/)]);
    expect((await cassetteLines()).map((line) => line.kind)).toEqual([
      "generate",
      "generate",
      "generate",
      "stream",
    ]);

    const replaying = withScenarioCache(openAIModel(), { cacheKey: "order status", dir, mode: "replay" });
    for (const [index, prompt] of prompts.entries()) {
      const replayed = await generateText({ model: replaying, prompt });
      expect(replayed.text).toBe(recorded[index]);
      expect(isCacheHit(replayed)).toBe(true);
    }
    expect(await streamText({ model: replaying, prompt: "Stream the summary." }).text).toBe(streamed);
    expect(server.requests).toHaveLength(4);
  });

  it("strict replay of an unrecorded call throws CacheMissError naming the call, the cassette and the fix", async () => {
    await generateText({ model: withScenarioCache(openAIModel(), { cacheKey: "k", dir }), prompt: "hi" });
    const [file] = await readdir(dir);
    const error = await generateText({
      model: withScenarioCache(openAIModel(), { cacheKey: "k", dir, mode: "replay" }),
      prompt: "something new",
      maxRetries: 0,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CacheMissError);
    expect((error as Error).message).toContain('last user message: "something new"');
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain("SCENARIO_CACHE_MODE=read-write");
    expect(server.requests).toHaveLength(1);
  });

  it("concurrent runs of one scenario in one process lose no entry and share what is recorded", async () => {
    const prompts = Array.from({ length: 24 }, (_, index) => `question ${index}`);
    await Promise.all(
      prompts.map((prompt) =>
        generateText({ model: withScenarioCache(openAIModel(), { cacheKey: "busy", dir }), prompt }),
      ),
    );
    expect(server.requests).toHaveLength(24);
    expect((await cassetteLines()).length).toBe(24);
    // A second wave in the same process is served from the cassette already in memory.
    await Promise.all(
      prompts.map((prompt) =>
        generateText({ model: withScenarioCache(openAIModel(), { cacheKey: "busy", dir }), prompt }),
      ),
    );
    expect(server.requests).toHaveLength(24);
  });

  it("writers with separate memories (like separate processes) lose no entry to each other", async () => {
    // Fresh module instances have their own cassette memory, as a vitest fork or CLI worker would.
    const loadCopy = async () => {
      vi.resetModules();
      return (await import("./scenario-cache")).withScenarioCache;
    };
    const copies = [await loadCopy(), await loadCopy(), await loadCopy()];
    await Promise.all(
      copies.flatMap((wrap, copy) =>
        Array.from({ length: 10 }, (_, index) =>
          generateText({
            model: wrap(openAIModel(), { cacheKey: "shared", dir }),
            prompt: `copy ${copy} question ${index}`,
          }),
        ),
      ),
    );
    expect(server.requests).toHaveLength(30);
    expect(new Set((await cassetteLines()).map((line) => line.key)).size).toBe(30);

    const replaying = await loadCopy();
    for (let copy = 0; copy < copies.length; copy++) {
      for (let index = 0; index < 10; index++) {
        const prompt = `copy ${copy} question ${index}`;
        const replayed = await generateText({
          model: replaying(openAIModel(), { cacheKey: "shared", dir, mode: "replay" }),
          prompt,
        });
        expect(replayed.text).toBe(`answer to ${prompt}`);
      }
    }
    expect(server.requests).toHaveLength(30);
  });

  it("a replaying process that holds a cassette still finds calls another process recorded since", async () => {
    const loadCopy = async () => {
      vi.resetModules();
      return (await import("./scenario-cache")).withScenarioCache;
    };
    const [replayer, recorder] = [await loadCopy(), await loadCopy()];
    await generateText({ model: recorder(openAIModel(), { cacheKey: "late", dir }), prompt: "first" });
    const replaying = () => replayer(openAIModel(), { cacheKey: "late", dir, mode: "replay" });
    expect((await generateText({ model: replaying(), prompt: "first" })).text).toBe("answer to first");
    await generateText({ model: recorder(openAIModel(), { cacheKey: "late", dir }), prompt: "second" });
    expect((await generateText({ model: replaying(), prompt: "second" })).text).toBe("answer to second");
    expect(server.requests).toHaveLength(2);
  });

  it("re-recording keeps the latest answer and rewrites the cassette before it grows without end", async () => {
    const { model, calls } = countingModel();
    const recording = withScenarioCache(model, { cacheKey: "again", dir, mode: "record" });
    for (let round = 0; round < 40; round++) await generateText({ model: recording, prompt: "same" });
    expect(calls()).toBe(40);
    const lines = await cassetteLines();
    expect(lines.length).toBeLessThanOrEqual(18);
    expect(new Set(lines.map((line) => line.key)).size).toBe(1);
    const replayed = await generateText({
      model: withScenarioCache(model, { cacheKey: "again", dir, mode: "replay" }),
      prompt: "same",
    });
    expect(replayed.text).toBe("reply 40");
    expect((await readdir(dir)).some((file) => file.endsWith(".tmp"))).toBe(false);
  });

  it("reads recordings in the old one-file-per-call layout and, in read-write mode, moves them into the cassette", async () => {
    // A file exactly as the one-file-per-call layout wrote it; its name is that layout's hash of this call.
    const legacyFolder = join(dir, "legacy-scenario-c86aa235");
    await mkdir(legacyFolder);
    await writeFile(
      join(legacyFolder, "56a8aa47a950f61658b829d3bafbf8e41c1ad3e15814d4dddbbd575b84f8db06.json"),
      JSON.stringify({
        version: 1,
        kind: "generate",
        cacheKey: "legacy scenario",
        model: "fake.chat/fake-model",
        prompt: '2 messages, last user message: "hi [image/png]"',
        recordedAt: "2026-11-30T14:01:34.840Z",
        generate: {
          content: [{ type: "text", text: "legacy reply" }],
          finishReason: { unified: "stop", raw: "stop" },
          usage: { inputTokens: { total: 1 }, outputTokens: { total: 1 } },
          warnings: [],
          response: {},
        },
      }),
    );
    const call = {
      prompt: [
        { role: "system", content: "You are terse." },
        {
          role: "user",
          content: [
            { type: "text", text: "hi" },
            { type: "file", mediaType: "image/png", data: new Uint8Array([9, 8]) },
          ],
        },
      ],
      temperature: 0,
      providerOptions: { openai: { store: false, parallelToolCalls: true } },
      tools: [
        {
          type: "function",
          name: "lookup",
          description: "d",
          inputSchema: { type: "object", properties: { id: { type: "string" } } },
        },
      ],
      toolChoice: { type: "required" },
    } as LanguageModelV3CallOptions;
    const { model, calls } = countingModel();

    const replayed = await withScenarioCache(model, {
      cacheKey: "legacy scenario",
      dir,
      mode: "replay",
    }).doGenerate(call);
    expect(replayed.content).toEqual([{ type: "text", text: "legacy reply" }]);
    expect(await readdir(dir)).toEqual(["legacy-scenario-c86aa235"]);

    await withScenarioCache(model, { cacheKey: "legacy scenario", dir, mode: "read-write" }).doGenerate(call);
    const cassette = join(dir, "legacy-scenario-c86aa235.jsonl");
    await vi.waitFor(async () => expect(await readFile(cassette, "utf8")).toContain('"key":"56a8aa47'), {
      timeout: 2000,
    });
    await rm(legacyFolder, { recursive: true });
    const fromCassette = await withScenarioCache(model, {
      cacheKey: "legacy scenario",
      dir,
      mode: "replay",
    }).doGenerate(call);
    expect(fromCassette.content).toEqual([{ type: "text", text: "legacy reply" }]);
    expect(calls()).toBe(0);
  });
});
