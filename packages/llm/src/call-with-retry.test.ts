import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createOpenAI } from "@ai-sdk/openai";
import { APICallError, JSONParseError, TypeValidationError } from "@ai-sdk/provider";
import { ModelCallError, ModelMissingError } from "@scenario/spec";
import { generateText, NoObjectGeneratedError, streamText } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { callWithRetry, isTransientModelError, type RetryClock, retryAfterMs } from "./call-with-retry";

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

/** A 200 whose body is not JSON. */
const malformed: Reply = (_request, response) => {
  response.writeHead(200, { "content-type": "application/json" });
  response.end('{"id": "chatcmpl-1", "choices": [');
};

/** A 200 whose body stops halfway: the connection is destroyed mid-body. */
const cutBody: Reply = (_request, response) => {
  response.writeHead(200, { "content-type": "application/json", "content-length": "400" });
  response.write('{"id": "chatcmpl-1", "object": "chat.co');
  setTimeout(() => response.socket?.destroy(), 10);
};

/** The connection is reset before any response. */
const reset: Reply = (request) => {
  request.socket.resetAndDestroy();
};

/** A streamed reply that sends its first delta and is then cut off. */
const cutStream: Reply = (_request, response) => {
  response.writeHead(200, { "content-type": "text/event-stream" });
  const chunk = {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "gpt-test",
    choices: [{ index: 0, delta: { role: "assistant", content: "The " }, finish_reason: null }],
  };
  response.write(`data: ${JSON.stringify(chunk)}\n\n`);
  setTimeout(() => response.socket?.destroy(), 10);
};

const streamedCompletion =
  (text: string): Reply =>
  (_request, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" });
    const base = {
      id: "chatcmpl-2",
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: "gpt-test",
    };
    response.write(
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: text }, finish_reason: null }] })}\n\n`,
    );
    response.write(
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
    );
    response.end("data: [DONE]\n\n");
  };

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
  return { server, generate, model };
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
    const error = (await callWithRetry(generate, { clock, timeoutMs: 1000, maxAttempts: 2 }).catch(
      (caught: unknown) => caught,
    )) as Error;
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error.message).toContain("2 attempts");
    expect(error.message).toContain("timed out after 1000 ms");
    // One request per attempt at most: a loaded machine may time an attempt out before it arrives.
    expect(server.requests.length).toBeGreaterThanOrEqual(1);
    expect(server.requests.length).toBeLessThanOrEqual(2);
  });

  it("stops at once when the caller aborts, without wrapping the abort", async () => {
    const controller = new AbortController();
    // Cancelled once the request has arrived, so the abort meets a call in flight however slow the machine.
    const { server, generate } = await scripted([() => controller.abort(new Error("run cancelled"))]);
    const error = (await callWithRetry(generate, { signal: controller.signal, timeoutMs: 10_000 }).catch(
      (caught: unknown) => caught,
    )) as Error;
    expect(error).not.toBeInstanceOf(ModelCallError);
    expect(server.requests).toHaveLength(1);
  });

  it("retries a malformed JSON body, then succeeds", async () => {
    const { server, generate } = await scripted([malformed, chatCompletion("fine now")]);
    const { clock, sleeps } = fakeClock();
    const result = await callWithRetry(generate, { clock });
    expect(result.text).toBe("fine now");
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toEqual([1000]);
  });

  it("retries a body cut off mid-way, then succeeds", async () => {
    const { server, generate } = await scripted([cutBody, chatCompletion("whole")]);
    const { clock } = fakeClock();
    const result = await callWithRetry(generate, { clock });
    expect(result.text).toBe("whole");
    expect(server.requests).toHaveLength(2);
  });

  it("retries a connection reset before the response, then succeeds", async () => {
    const { server, generate } = await scripted([reset, chatCompletion("reconnected")]);
    const { clock } = fakeClock();
    const result = await callWithRetry(generate, { clock });
    expect(result.text).toBe("reconnected");
    expect(server.requests).toHaveLength(2);
  });

  it("retries a stream cut off after its first delta, then succeeds", async () => {
    const { server, model } = await scripted([cutStream, streamedCompletion("streamed whole")]);
    const { clock } = fakeClock();
    const text = await callWithRetry(
      async ({ signal }) => {
        const result = streamText({
          model,
          prompt: "hi",
          maxRetries: 0,
          abortSignal: signal,
          onError: () => {},
        });
        return result.text;
      },
      { clock },
    );
    expect(text).toBe("streamed whole");
    expect(server.requests).toHaveLength(2);
  });

  it("fails a response that stays malformed after every attempt, saying why", async () => {
    const { server, generate } = await scripted([malformed]);
    const { clock } = fakeClock();
    const error = (await callWithRetry(generate, { clock, label: "Judge call" }).catch(
      (caught: unknown) => caught,
    )) as Error;
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error.message).toContain("Judge call failed (3 attempts");
    expect(error.message).toContain("unreadable response (Invalid JSON response");
    expect(error.message).not.toContain("not retried");
    expect(server.requests).toHaveLength(3);
  });

  it("retries 408 and 409 but not 400", async () => {
    for (const status of [408, 409]) {
      const { server, generate } = await scripted([failure(status), chatCompletion("ok")]);
      const { clock } = fakeClock();
      expect((await callWithRetry(generate, { clock })).text).toBe("ok");
      expect(server.requests).toHaveLength(2);
    }
    const { server, generate } = await scripted([failure(400, {}, "bad request"), chatCompletion("ok")]);
    const { clock } = fakeClock();
    const error = (await callWithRetry(generate, { clock }).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toContain("400 Bad Request");
    expect(error.message).toContain("not retried");
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

describe("isTransientModelError", () => {
  const apiError = (statusCode: number | undefined, extra: { isRetryable?: boolean; cause?: unknown } = {}) =>
    new APICallError({
      message: "call failed",
      url: "http://127.0.0.1/v1",
      requestBodyValues: {},
      statusCode,
      ...extra,
    });

  it("accepts the transient kinds as the AI SDK surfaces them", () => {
    const parseError = new JSONParseError({ text: "{", cause: new SyntaxError("Unexpected end") });
    expect(isTransientModelError(apiError(200, { cause: parseError }))).toBe(true);
    expect(isTransientModelError(parseError)).toBe(true);
    expect(
      isTransientModelError(new TypeValidationError({ value: {}, cause: new Error("missing id") })),
    ).toBe(true);
    expect(
      isTransientModelError(
        new NoObjectGeneratedError({
          message: "no object",
          response: { id: "1", timestamp: new Date(), modelId: "m" },
          usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } as never,
          finishReason: "stop",
        }),
      ),
    ).toBe(true);
    expect(isTransientModelError(apiError(undefined, { isRetryable: true }))).toBe(true);
    for (const status of [408, 409, 429, 500, 502, 503])
      expect(isTransientModelError(apiError(status))).toBe(true);
  });

  it("finds a dropped connection in the cause chain", () => {
    const socketError = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
    expect(isTransientModelError(new TypeError("terminated", { cause: socketError }))).toBe(true);
    expect(isTransientModelError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))).toBe(
      true,
    );
    expect(isTransientModelError(new Error("wrapped", { cause: new Error("socket hang up") }))).toBe(true);
  });

  it("rejects client errors and everything else", () => {
    for (const status of [400, 401, 403, 404, 422])
      expect(isTransientModelError(apiError(status))).toBe(false);
    expect(isTransientModelError(new Error("boom"))).toBe(false);
    expect(isTransientModelError(new ModelMissingError("no model"))).toBe(false);
    expect(isTransientModelError("terminated")).toBe(false);
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
