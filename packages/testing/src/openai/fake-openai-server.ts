import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ConfigurationError } from "@scenario/spec";
import { checkNonNegativeMs, isRecord } from "../shared/checks";
import { redactHeaders } from "../shared/redact-headers";
import { chatCompletionBody, chatCompletionEvents } from "./chat-completions-format";
import type {
  FakeEndpoint,
  FakeFault,
  FakeFaultFunction,
  FakeLatency,
  FakeModelRequest,
  FakeReply,
  FakeReplyFunction,
  FakeReplyInput,
  FakeRequestLogEntry,
  FakeTokenUsage,
  FakeUsageTotals,
} from "./fake-openai-types";
import {
  InvalidRequestError,
  normalizeChatCompletionsRequest,
  normalizeResponsesRequest,
  scenarioRoleOf,
} from "./normalize-request";
import { responseBody, responseEvents, responseOutputItems } from "./responses-format";
import { toWireReply, type WireEvent, type WireReply } from "./wire-reply";

/** Options of `startFakeOpenAIServer()`. */
export interface FakeOpenAIServerOptions {
  /**
   * Answers requests when no queued reply is left: a function of the request, or one fixed reply.
   * Without it (and with the queue empty) a request is answered with a 500 that says so.
   */
  reply?: FakeReplyFunction | FakeReplyInput;
  /** Canned replies, used in order before `reply`. */
  replies?: FakeReplyInput[];
  /** Delay before every answer (faults included), fixed or per request. @default 0 */
  latencyMs?: FakeLatency;
  /** Delay between the events of a streamed answer. @default 0 */
  streamIntervalMs?: number;
  /** Chooses a fault per request, after the queued faults are used up. */
  fault?: FakeFaultFunction;
  /**
   * Keep the process alive while the server listens. Off by default so a test that forgets
   * `close()` cannot hang its runner; turn it on when the server is all that runs (a demo).
   * @default false
   */
  keepProcessAlive?: boolean;
  /** The port to listen on. @default 0 (a free port) */
  port?: number;
}

/** A running fake OpenAI-compatible server. */
export interface FakeOpenAIServer {
  /** The server's origin, for example `http://127.0.0.1:51234`. */
  readonly url: string;
  /** `url` + `/v1`: pass it as `baseURL` to `createOpenAI()`. */
  readonly baseURL: string;
  /** Every request received, in order (live: it grows as requests arrive). */
  readonly requests: readonly FakeRequestLogEntry[];
  /** Token counts summed over the replies delivered in full. */
  readonly usage: FakeUsageTotals;
  /** Queues replies for the next requests, before `reply`. */
  enqueueReply(...replies: FakeReplyInput[]): void;
  /** Queues a fault for the next `times` requests, before the `fault` function. @default times 1 */
  enqueueFault(fault: FakeFault, times?: number): void;
  /** Replaces the `reply` option; `undefined` removes it. */
  setReply(reply: FakeReplyFunction | FakeReplyInput | undefined): void;
  /** Replaces the `fault` option; `undefined` removes it. */
  setFault(fault: FakeFaultFunction | undefined): void;
  /** Replaces the `latencyMs` option. */
  setLatency(latencyMs: FakeLatency): void;
  /** Empties the request log, the usage totals and both queues; the functions stay. */
  reset(): void;
  /**
   * Stops the server: ends every open, hanging or streaming connection at once and resolves when
   * the port is released. Safe to call twice.
   */
  close(): Promise<void>;
}

const SERVED_PATHS: Record<string, FakeEndpoint> = {
  "/v1/chat/completions": "chat.completions",
  "/v1/responses": "responses",
};

const FAULT_TYPES: ReadonlySet<string> = new Set([
  "rate-limit",
  "server-error",
  "malformed-json",
  "cut-stream",
  "hang",
]);

function validateFault(fault: FakeFault): void {
  if (typeof fault !== "object" || fault === null || !FAULT_TYPES.has(fault.type)) {
    throw new ConfigurationError(
      `Unknown fault ${JSON.stringify(fault)}. Use { type: "rate-limit" | "server-error" | "malformed-json" | "cut-stream" | "hang" }.`,
    );
  }
}

function normalizeReply(input: FakeReplyInput): FakeReply {
  if (typeof input === "string") return { text: input };
  if (typeof input !== "object" || input === null) {
    throw new Error(`A reply must be a string or { text?, toolCalls? }; got ${JSON.stringify(input)}.`);
  }
  for (const toolCall of input.toolCalls ?? []) {
    if (typeof toolCall?.name !== "string" || toolCall.name === "") {
      throw new Error(`Every reply tool call needs a \`name\`; got ${JSON.stringify(toolCall)}.`);
    }
  }
  return input.text === undefined && (input.toolCalls ?? []).length === 0 ? { ...input, text: "" } : input;
}

function errorBody(message: string, type: string, code: string | null) {
  return JSON.stringify({ error: { message, type, param: null, code } });
}

function addUsage(totals: FakeTokenUsage & { replies: number }, usage: FakeTokenUsage): void {
  totals.inputTokens += usage.inputTokens;
  totals.outputTokens += usage.outputTokens;
  totals.totalTokens += usage.totalTokens;
  totals.replies += 1;
}

/**
 * Starts a fake OpenAI-compatible server on 127.0.0.1 (a free port unless `port` is given). It
 * serves `POST /v1/chat/completions` and `POST /v1/responses`, streamed (SSE) and not, in the
 * shapes `@ai-sdk/openai` parses, with tool calls and usage; replies come from the queue, then
 * from `reply`. Faults and latency can be injected per request. Requests are logged with their
 * credentials redacted. Point a client at `server.baseURL` and `close()` it when done.
 */
export async function startFakeOpenAIServer(
  options: FakeOpenAIServerOptions = {},
): Promise<FakeOpenAIServer> {
  checkNonNegativeMs("latencyMs", options.latencyMs);
  checkNonNegativeMs("streamIntervalMs", options.streamIntervalMs);
  const keepProcessAlive = options.keepProcessAlive ?? false;
  const streamIntervalMs = options.streamIntervalMs ?? 0;
  let replyOption = options.reply;
  let faultFunction = options.fault;
  let latency: FakeLatency = options.latencyMs ?? 0;
  const replyQueue: FakeReplyInput[] = [...(options.replies ?? [])];
  const faultQueue: FakeFault[] = [];
  const requests: FakeRequestLogEntry[] = [];
  const storedItems = new Map<string, Record<string, unknown>>();
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  let usage = emptyTotals();
  let requestCount = 0;

  function emptyTotals(): FakeUsageTotals {
    return { inputTokens: 0, outputTokens: 0, totalTokens: 0, replies: 0, byRole: {} };
  }

  function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(!signal.aborted);
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      }, ms);
      if (!keepProcessAlive) timer.unref();
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  function nextReply(request: FakeModelRequest): Promise<FakeReplyInput> {
    const queued = replyQueue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (replyOption === undefined) {
      return Promise.reject(
        new Error(
          "No reply configured: pass `reply` or `replies` to startFakeOpenAIServer(), or call enqueueReply()/setReply().",
        ),
      );
    }
    return Promise.resolve(typeof replyOption === "function" ? replyOption(request) : replyOption);
  }

  function recordUsage(request: FakeModelRequest, replyUsage: FakeTokenUsage): void {
    addUsage(usage, replyUsage);
    usage.byRole[request.role] ??= { inputTokens: 0, outputTokens: 0, totalTokens: 0, replies: 0 };
    addUsage(usage.byRole[request.role]!, replyUsage);
  }

  async function readBody(request: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  function sendJson(
    entry: FakeRequestLogEntry,
    response: ServerResponse,
    status: number,
    body: string,
    headers = {},
  ) {
    entry.status = status;
    response.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      ...headers,
    });
    response.end(body);
  }

  function write(response: ServerResponse, chunk: string): Promise<void> {
    return new Promise((resolve) => response.write(chunk, () => resolve()));
  }

  async function sendEvents(
    entry: FakeRequestLogEntry,
    response: ServerResponse,
    events: WireEvent[],
    signal: AbortSignal,
    cutAt: number | undefined,
  ): Promise<boolean> {
    entry.status = 200;
    response.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    response.flushHeaders();
    for (const [position, event] of events.entries()) {
      if (cutAt !== undefined && position >= cutAt) break;
      if (position > 0 && streamIntervalMs > 0 && !(await sleep(streamIntervalMs, signal))) return false;
      if (signal.aborted) return false;
      await write(response, `${event.event ? `event: ${event.event}\n` : ""}data: ${event.data}\n\n`);
    }
    if (cutAt !== undefined) {
      response.socket?.destroy();
      return false;
    }
    response.end();
    return true;
  }

  function playFault(
    entry: FakeRequestLogEntry,
    response: ServerResponse,
    fault: FakeFault,
    stream: boolean,
  ) {
    switch (fault.type) {
      case "rate-limit": {
        const retryAfterSeconds = fault.retryAfterSeconds ?? 1;
        sendJson(
          entry,
          response,
          429,
          errorBody(
            fault.message ??
              "Rate limit reached (fake server). Retry after the time in the Retry-After header.",
            "requests",
            "rate_limit_exceeded",
          ),
          { "retry-after": String(retryAfterSeconds) },
        );
        return;
      }
      case "server-error":
        sendJson(
          entry,
          response,
          fault.status ?? 500,
          errorBody(fault.message ?? "The server had an error (fake server).", "server_error", null),
        );
        return;
      case "malformed-json":
        if (stream) {
          entry.status = 200;
          response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
          response.end('data: {"id": "malformed", "choices": [\n\n');
        } else {
          sendJson(entry, response, 200, '{"id": "malformed", "choices": [');
        }
        return;
      default:
        return;
    }
  }

  async function answer(
    entry: FakeRequestLogEntry,
    request: FakeModelRequest,
    response: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> {
    const fault = faultQueue.shift() ?? faultFunction?.(request);
    if (fault !== undefined) {
      validateFault(fault);
      entry.fault = fault.type;
    }
    const delayMs = typeof latency === "function" ? latency(request) : latency;
    if (!(await sleep(delayMs, signal))) return;
    if (fault?.type === "hang") {
      // Never answered: the request ends when the client aborts or close() destroys the socket.
      return;
    }
    if (fault !== undefined && fault.type !== "cut-stream") {
      playFault(entry, response, fault, request.stream);
      return;
    }

    let reply: FakeReply;
    try {
      reply = normalizeReply(await nextReply(request));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      entry.error = message;
      sendJson(
        entry,
        response,
        500,
        errorBody(`The fake server's reply failed: ${message}`, "server_error", "reply_failed"),
      );
      return;
    }
    if (!(await sleep(reply.latencyMs ?? 0, signal))) return;

    const wire = toWireReply(reply, request, entry.index);
    entry.usage = wire.usage;
    const outputItems = request.endpoint === "responses" ? responseOutputItems(wire) : [];
    for (const item of outputItems) storedItems.set(String(item.id), item);
    const cutAfter = fault?.type === "cut-stream" ? fault.afterEvents : undefined;
    let delivered: boolean;
    if (request.stream) {
      const events =
        request.endpoint === "responses" ? responseEvents(wire, outputItems) : chatEventsOf(request, wire);
      const firstOutput = events.findIndex((event) => event.carriesOutput);
      const cutAt =
        fault?.type === "cut-stream"
          ? (cutAfter ?? (firstOutput >= 0 ? firstOutput + 1 : Math.ceil(events.length / 2)))
          : undefined;
      delivered = await sendEvents(entry, response, events, signal, cutAt);
    } else {
      const body = JSON.stringify(
        request.endpoint === "responses" ? responseBody(wire, outputItems) : chatCompletionBody(wire),
      );
      if (fault?.type === "cut-stream") {
        entry.status = 200;
        response.writeHead(200, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        });
        await write(response, body.slice(0, Math.floor(body.length / 2)));
        response.socket?.destroy();
        delivered = false;
      } else {
        sendJson(entry, response, 200, body);
        delivered = true;
      }
    }
    if (delivered) recordUsage(request, wire.usage);
  }

  function chatEventsOf(request: FakeModelRequest, wire: WireReply): WireEvent[] {
    const streamOptions = request.body.stream_options as { include_usage?: unknown } | undefined;
    return chatCompletionEvents(wire, streamOptions?.include_usage === true);
  }

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (incoming.url ?? "/").split("?")[0] ?? "/";
    const headers = redactHeaders(incoming.headers, { marker: "[REDACTED]" });
    const entry: FakeRequestLogEntry = {
      index: requestCount++,
      method: incoming.method ?? "GET",
      path,
      role: scenarioRoleOf(headers),
      headers,
      body: undefined,
      receivedAt: Date.now(),
    };
    requests.push(entry);
    const connectionClosed = new AbortController();
    response.on("close", () => connectionClosed.abort());
    const signal = AbortSignal.any([closing.signal, connectionClosed.signal]);

    const rawBody = await readBody(incoming);
    const endpoint = SERVED_PATHS[path];
    if (endpoint === undefined || entry.method !== "POST") {
      entry.error = `No route for ${entry.method} ${path}.`;
      sendJson(
        entry,
        response,
        404,
        errorBody(
          `${entry.error} The fake server serves POST /v1/chat/completions and POST /v1/responses; use its \`baseURL\` (url + "/v1").`,
          "invalid_request_error",
          "unknown_url",
        ),
      );
      return;
    }
    entry.endpoint = endpoint;
    let request: FakeModelRequest;
    try {
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        throw new InvalidRequestError("The request body is not valid JSON.");
      }
      entry.body = body;
      if (!isRecord(body)) throw new InvalidRequestError("The request body must be a JSON object.");
      if (typeof body.model === "string") entry.model = body.model;
      request =
        endpoint === "chat.completions"
          ? normalizeChatCompletionsRequest(body, headers, entry.index)
          : normalizeResponsesRequest(body, headers, entry.index, (id) => storedItems.get(id));
    } catch (error) {
      if (!(error instanceof InvalidRequestError)) throw error;
      entry.error = error.message;
      sendJson(entry, response, 400, errorBody(error.message, "invalid_request_error", null));
      return;
    }
    entry.request = request;
    await answer(entry, request, response, signal);
  }

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent && !response.destroyed) {
        const message = error instanceof Error ? error.message : String(error);
        response.writeHead(500, { "content-type": "application/json" });
        response.end(errorBody(`The fake server failed: ${message}`, "server_error", null));
      } else {
        response.destroy();
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    if (!keepProcessAlive) socket.unref();
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  if (!keepProcessAlive) server.unref();
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;

  return {
    url,
    baseURL: `${url}/v1`,
    get requests() {
      return requests;
    },
    get usage() {
      return structuredClone(usage);
    },
    enqueueReply(...replies) {
      replyQueue.push(...replies);
    },
    enqueueFault(fault, times = 1) {
      validateFault(fault);
      if (!Number.isInteger(times) || times < 1) {
        throw new ConfigurationError(
          `enqueueFault(fault, times): \`times\` must be an integer >= 1; got ${times}.`,
        );
      }
      for (let count = 0; count < times; count += 1) faultQueue.push(fault);
    },
    setReply(reply) {
      replyOption = reply;
    },
    setFault(fault) {
      faultFunction = fault;
    },
    setLatency(latencyMs) {
      checkNonNegativeMs("latencyMs", latencyMs);
      latency = latencyMs;
    },
    reset() {
      requests.length = 0;
      usage = emptyTotals();
      replyQueue.length = 0;
      faultQueue.length = 0;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
