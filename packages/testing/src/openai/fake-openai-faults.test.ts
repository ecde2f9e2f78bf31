import { createOpenAI } from "@ai-sdk/openai";
import { APICallError, generateText, type LanguageModel, RetryError, streamText } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "./fake-openai-server";

const ENDPOINTS = [
  { name: "chat completions", path: "/v1/chat/completions" },
  { name: "responses", path: "/v1/responses" },
] as const;

function modelFor(server: FakeOpenAIServer, path: string): LanguageModel {
  const openai = createOpenAI({ baseURL: server.baseURL, apiKey: "test-key" });
  return path === "/v1/chat/completions" ? openai.chat("gpt-4o-mini") : openai("gpt-4o-mini");
}

/** Polls every 5 ms, bounded, so a test waiting for the server cannot hang. */
async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited >= timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Consumes a stream, returning the text deltas seen and the error it ended with, if any. */
async function drain(result: ReturnType<typeof streamText>) {
  const deltas: string[] = [];
  const errors: unknown[] = [];
  try {
    for await (const part of result.fullStream) {
      if (part.type === "text-delta") deltas.push(part.text);
      if (part.type === "error") errors.push(part.error);
    }
  } catch (error) {
    errors.push(error);
  }
  return { deltas, errors };
}

/** A streamed call without retries whose errors are collected by `drain` (not logged). */
function stream(model: LanguageModel, prompt: string) {
  return streamText({ model, prompt, maxRetries: 0, onError: () => {} });
}

const REPLY = "The quick brown fox jumps over the lazy dog.";

describe.each(ENDPOINTS)("faults through $name", ({ path }) => {
  let server: FakeOpenAIServer;
  let model: LanguageModel;

  beforeEach(async () => {
    server = await startFakeOpenAIServer({ reply: REPLY });
    model = modelFor(server, path);
  });
  afterEach(async () => {
    await server.close();
  });

  it("answers 429 with a Retry-After header the client sees", async () => {
    server.enqueueFault({ type: "rate-limit", retryAfterSeconds: 7 });
    const error = await generateText({ model, prompt: "hi", maxRetries: 0 }).catch(
      (caught: unknown) => caught,
    );

    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.statusCode).toBe(429);
    expect(apiError.isRetryable).toBe(true);
    expect(apiError.responseHeaders?.["retry-after"]).toBe("7");
    expect(server.requests[0]).toMatchObject({ status: 429, fault: "rate-limit" });
    expect(server.requests[0]?.usage).toBeUndefined();
    expect(server.usage.replies).toBe(0);
  });

  it("lets the client retry after a 429 and then answers normally", async () => {
    server.enqueueFault({ type: "rate-limit", retryAfterSeconds: 0 });
    const result = await generateText({ model, prompt: "hi", maxRetries: 1 });

    expect(result.text).toBe(REPLY);
    expect(server.requests.map((entry) => entry.status)).toEqual([429, 200]);
  });

  it("answers 500 for as many requests as queued", async () => {
    server.enqueueFault({ type: "server-error" }, 2);
    for (const attempt of ["first", "second"]) {
      const error = await generateText({ model, prompt: attempt, maxRetries: 0 }).catch(
        (caught: unknown) => caught,
      );
      expect(APICallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ statusCode: 500, isRetryable: true });
    }
    expect((await generateText({ model, prompt: "third", maxRetries: 0 })).text).toBe(REPLY);
    expect(server.requests.map((entry) => entry.status)).toEqual([500, 500, 200]);
  });

  it("reports exhausted retries as a RetryError holding every attempt", async () => {
    server.enqueueFault({ type: "rate-limit", retryAfterSeconds: 0 }, 2);
    const error = await generateText({ model, prompt: "hi", maxRetries: 1 }).catch(
      (caught: unknown) => caught,
    );
    expect(RetryError.isInstance(error)).toBe(true);
    expect((error as RetryError).errors).toHaveLength(2);
    expect((error as RetryError).lastError).toMatchObject({ statusCode: 429 });
  });

  it("sends a malformed JSON body that the client fails to parse", async () => {
    server.enqueueFault({ type: "malformed-json" });
    await expect(generateText({ model, prompt: "hi", maxRetries: 0 })).rejects.toThrow(/JSON/);

    server.enqueueFault({ type: "malformed-json" });
    const { deltas, errors } = await drain(stream(model, "hi"));
    expect(deltas).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/JSON/);
    expect(server.requests.map((entry) => entry.fault)).toEqual(["malformed-json", "malformed-json"]);
  });

  it("cuts a stream after its first output and the client errors mid-stream", async () => {
    server.enqueueFault({ type: "cut-stream" });
    const { deltas, errors } = await drain(stream(model, "hi"));

    expect(deltas).toEqual(["The "]);
    expect(errors).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ status: 200, fault: "cut-stream" });
    // A reply that never arrived in full is not counted.
    expect(server.usage.replies).toBe(0);
  });

  it("cuts a non-streamed body halfway and the client errors", async () => {
    server.enqueueFault({ type: "cut-stream" });
    await expect(generateText({ model, prompt: "hi", maxRetries: 0 })).rejects.toThrow();
    expect(server.requests[0]?.fault).toBe("cut-stream");
  });

  it("never answers a hanging request until the client aborts it", async () => {
    server.enqueueFault({ type: "hang" });
    const controller = new AbortController();
    const pending = generateText({ model, prompt: "hi", maxRetries: 0, abortSignal: controller.signal });
    const settled = pending.then(
      () => "resolved",
      (error: unknown) => error,
    );
    await waitFor(() => server.requests.length === 1);
    controller.abort();

    const outcome = await settled;
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).name).toBe("AbortError");
    expect(server.requests[0]?.fault).toBe("hang");
    expect(server.requests[0]?.status).toBeUndefined();
    // The server stays usable after the abandoned request.
    expect((await generateText({ model, prompt: "again", maxRetries: 0 })).text).toBe(REPLY);
  });

  it("closes promptly while a request hangs and a stream is still sending", async () => {
    await server.close();
    server = await startFakeOpenAIServer({ reply: REPLY, streamIntervalMs: 60_000 });
    model = modelFor(server, path);
    server.enqueueFault({ type: "hang" });
    const hanging = generateText({ model, prompt: "hang", maxRetries: 0 }).then(
      () => "resolved",
      (error: unknown) => error,
    );
    await waitFor(() => server.requests.length === 1);
    const drained = drain(stream(model, "stream"));
    await waitFor(() => server.requests[1]?.status === 200);

    const startedAt = performance.now();
    await server.close();
    // Generous bound: the stream's next event is a minute away, so only destroying it closes this fast.
    expect(performance.now() - startedAt).toBeLessThan(5000);
    expect(await hanging).toBeInstanceOf(Error);
    const { errors } = await drained;
    expect(errors.length).toBeGreaterThan(0);
  });
});

describe("fault selection", () => {
  it("chooses faults with a function, e.g. only for the judge", async () => {
    const server = await startFakeOpenAIServer({
      reply: "ok",
      fault: (request) => (request.role === "judge" ? { type: "server-error", status: 503 } : undefined),
    });
    try {
      const model = modelFor(server, "/v1/chat/completions");
      expect((await generateText({ model, prompt: "agent" })).text).toBe("ok");
      await expect(
        generateText({ model, prompt: "judge", maxRetries: 0, headers: { "X-Scenario-Role": "judge" } }),
      ).rejects.toMatchObject({ statusCode: 503 });
      server.setFault(undefined);
      expect(
        (await generateText({ model, prompt: "judge", headers: { "X-Scenario-Role": "judge" } })).text,
      ).toBe("ok");
    } finally {
      await server.close();
    }
  });

  it("plays queued faults before the fault function and delays them by the latency", async () => {
    const server = await startFakeOpenAIServer({
      reply: "ok",
      latencyMs: 100,
      fault: () => ({ type: "server-error" }),
    });
    try {
      server.enqueueFault({ type: "rate-limit" });
      const model = modelFor(server, "/v1/responses");
      const startedAt = performance.now();
      await expect(generateText({ model, prompt: "a", maxRetries: 0 })).rejects.toMatchObject({
        statusCode: 429,
      });
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(90);
      await expect(generateText({ model, prompt: "b", maxRetries: 0 })).rejects.toMatchObject({
        statusCode: 500,
      });
    } finally {
      await server.close();
    }
  });

  it("closes promptly while a request waits out its latency", async () => {
    const server = await startFakeOpenAIServer({ reply: "late", latencyMs: 60_000 });
    const model = modelFor(server, "/v1/chat/completions");
    const pending = generateText({ model, prompt: "a", maxRetries: 0 }).then(
      () => "resolved",
      (error: unknown) => error,
    );
    await waitFor(() => server.requests.length === 1);
    const startedAt = performance.now();
    await server.close();
    expect(performance.now() - startedAt).toBeLessThan(5000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
