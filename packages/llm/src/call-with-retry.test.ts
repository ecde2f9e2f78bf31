import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createOpenAI } from "@ai-sdk/openai";
import { APICallError } from "@ai-sdk/provider";
import { ModelCallError, ModelMissingError } from "@scenario/spec";
import { generateText } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { callWithRetry, type RetryClock, retryAfterMs } from "./call-with-retry";

type Reply = (request: IncomingMessage, response: ServerResponse) => void;

/** A local HTTP server that answers each request with the next reply of a script. */
async function startScriptedServer(replies: Reply[]) {
  const requests: Array<{ path: string; authorization: string | undefined }> = [];
  const server: Server = createServer((request, response) => {
    requests.push({ path: request.url ?? "", authorization: request.headers.authorization });
    request.resume();
    request.on("end", () => {
      const reply = replies[Math.min(requests.length - 1, replies.length - 1)];
      reply?.(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { baseURL: `http://127.0.0.1:${port}/v1`, requests, close };
}

const chatCompletion =
  (text: string): Reply =>
  (_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1_700_000_000,
        model: "gpt-test",
        choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
        usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
      }),
    );
  };

const failure =
  (status: number, headers: Record<string, string> = {}, message = "Slow down"): Reply =>
  (_request, response) => {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify({ error: { message, type: "error", code: null } }));
  };

const hang: Reply = () => {};

/** A clock whose sleeps pass instantly but are recorded and move its time on. */
function fakeClock(startMs = 1_000_000) {
  let nowMs = startMs;
  const sleeps: number[] = [];
  const clock: RetryClock = {
    now: () => nowMs,
    sleep: async (delayMs) => {
      sleeps.push(delayMs);
      nowMs += delayMs;
    },
  };
  return { clock, sleeps };
}

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function scripted(replies: Reply[]) {
  const server = await startScriptedServer(replies);
  servers.push(server);
  const model = createOpenAI({ apiKey: "sk-test-key-1234567890abcdef", baseURL: server.baseURL }).chat(
    "gpt-test",
  );
  const generate = ({ signal }: { signal: AbortSignal }) =>
    generateText({ model, prompt: "hi", maxRetries: 0, abortSignal: signal });
  return { server, generate };
}

describe("callWithRetry over real HTTP", () => {
  it("retries a 429 after the Retry-After seconds, then succeeds", async () => {
    const { server, generate } = await scripted([
      failure(429, { "retry-after": "2" }),
      chatCompletion("hello"),
    ]);
    const { clock, sleeps } = fakeClock();
    const result = await callWithRetry(generate, { clock });
    expect(result.text).toBe("hello");
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
  });

  it("honours retry-after-ms over Retry-After", async () => {
    const { generate } = await scripted([
      failure(429, { "retry-after-ms": "250", "retry-after": "9" }),
      chatCompletion("ok"),
    ]);
    const { clock, sleeps } = fakeClock();
    await callWithRetry(generate, { clock });
    expect(sleeps).toEqual([250]);
  });

  it("honours Retry-After given as an HTTP date", async () => {
    const { clock, sleeps } = fakeClock(Date.parse("2030-01-01T00:00:00Z"));
    const { generate } = await scripted([
      failure(503, { "retry-after": "Tue, 01 Jan 2030 00:00:05 GMT" }),
      chatCompletion("ok"),
    ]);
    await callWithRetry(generate, { clock });
    expect(sleeps).toEqual([5000]);
  });

  it("backs off exponentially on 5xx and reports what was tried when attempts run out", async () => {
    const { server, generate } = await scripted([failure(500, {}, "upstream exploded")]);
    const { clock, sleeps } = fakeClock();
    const error = await callWithRetry(generate, { clock, label: "Judge call to openai.chat/gpt-test" }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ModelCallError);
    const message = (error as ModelCallError).message;
    expect(message).toContain("Judge call to openai.chat/gpt-test failed");
    expect(message).toContain("3 attempts over 3.0 s");
    expect(message).toContain("last: 500 Internal Server Error: upstream exploded");
    expect(APICallError.isInstance((error as ModelCallError).cause)).toBe(true);
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it("caps every wait at maxDelayMs, Retry-After included", async () => {
    const { generate } = await scripted([failure(429, { "retry-after": "600" }), chatCompletion("ok")]);
    const { clock, sleeps } = fakeClock();
    await callWithRetry(generate, { clock, maxDelayMs: 5000 });
    expect(sleeps).toEqual([5000]);
  });

  it("does not retry a 401 and never shows the key", async () => {
    const { server, generate } = await scripted([
      failure(401, {}, "Incorrect API key provided: sk-test-key-1234567890abcdef"),
    ]);
    const { clock } = fakeClock();
    const error = (await callWithRetry(generate, { clock }).catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error.message).toContain("1 attempt over");
    expect(error.message).toContain("401 Unauthorized");
    expect(error.message).toContain("not retried");
    expect(error.message).not.toContain("sk-test-key-1234567890abcdef");
    expect(server.requests).toHaveLength(1);
  });

  it("times out a hanging attempt, retries it, and says so", async () => {
    const { server, generate } = await scripted([hang]);
    const { clock } = fakeClock();
    const error = (await callWithRetry(generate, { clock, timeoutMs: 100, maxAttempts: 2 }).catch(
      (caught: unknown) => caught,
    )) as Error;
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error.message).toContain("2 attempts");
    expect(error.message).toContain("timed out after 100 ms");
    expect(server.requests).toHaveLength(2);
  });

  it("stops at once when the caller aborts, without wrapping the abort", async () => {
    const { server, generate } = await scripted([hang]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("run cancelled")), 50).unref();
    const error = (await callWithRetry(generate, { signal: controller.signal, timeoutMs: 10_000 }).catch(
      (caught: unknown) => caught,
    )) as Error;
    expect(error).not.toBeInstanceOf(ModelCallError);
    expect(server.requests).toHaveLength(1);
  });

  it("passes Scenario errors through unchanged and untried again", async () => {
    let attempts = 0;
    const missing = new ModelMissingError("no model");
    const error = await callWithRetry(async () => {
      attempts++;
      throw missing;
    }).catch((caught: unknown) => caught);
    expect(error).toBe(missing);
    expect(attempts).toBe(1);
  });
});

describe("retryAfterMs", () => {
  const errorWith = (headers: Record<string, string>) =>
    new APICallError({
      message: "rate limited",
      url: "http://127.0.0.1/v1",
      requestBodyValues: {},
      statusCode: 429,
      responseHeaders: headers,
    });

  it("reads seconds, fractions, milliseconds and dates, and ignores nonsense", () => {
    const { clock } = fakeClock(Date.parse("2030-01-01T00:00:00Z"));
    expect(retryAfterMs(errorWith({ "retry-after": "3" }), clock)).toBe(3000);
    expect(retryAfterMs(errorWith({ "retry-after": "0.5" }), clock)).toBe(500);
    expect(retryAfterMs(errorWith({ "Retry-After-Ms": "120" }), clock)).toBe(120);
    expect(retryAfterMs(errorWith({ "retry-after": "Tue, 01 Jan 2030 00:00:10 GMT" }), clock)).toBe(10_000);
    expect(retryAfterMs(errorWith({ "retry-after": "Mon, 01 Jan 2029 00:00:00 GMT" }), clock)).toBe(0);
    expect(retryAfterMs(errorWith({ "retry-after": "soon" }), clock)).toBeUndefined();
    expect(retryAfterMs(errorWith({}), clock)).toBeUndefined();
    expect(retryAfterMs(new Error("plain"), clock)).toBeUndefined();
  });
});
