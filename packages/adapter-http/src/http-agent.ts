import {
  AGENT_SPECIFICATION_VERSION,
  type AgentAdapter,
  AgentCallError,
  type AgentInput,
  type AgentReturn,
  AgentRole,
  ConfigurationError,
  getScenarioInstrumentation,
  type ModelMessage,
} from "@scenario/spec";
import { EventSourceParserStream } from "eventsource-parser/stream";
import {
  ChatCompletionStream,
  readChatCompletion,
  toChatCompletionsMessages,
} from "./chat-completions-format";
import { readJsonReply, readSseEvent } from "./default-mappings";
import type { HttpAgentOptions, HttpAgentSseEvent } from "./http-agent-options";
import { HttpStatusError, HttpTimeoutError, postWithRetry } from "./post-with-retry";
import { type Redact, redactor } from "./redact";

const DEFAULT_THREAD_HEADER = "X-Scenario-Thread-Id";

/** The reply read so far, kept when a streamed reply is interrupted. */
interface PartialReply {
  messages(): ModelMessage[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The agent under test behind an HTTP endpoint. Each turn POSTs the conversation (or only its new
 * messages) and appends the messages the agent answers:
 * - `format: "json"` (default): a JSON request and answer, shaped by `request` and `response`;
 * - `format: "chat-completions"`: an OpenAI-compatible endpoint, streamed or not;
 * - `format: "sse"`: an answer in server-sent events.
 * Headers can come from the environment and never appear in errors; 429 and 5xx answers are
 * retried; each attempt has a timeout; the run's thread id goes along as a header or field.
 *
 * @example
 * httpAgent({ url: "https://agent.example.com/chat", bearerTokenEnv: "AGENT_TOKEN" });
 * httpAgent({ format: "chat-completions", url: `${base}/v1/chat/completions`, model: "my-agent", stream: true });
 */
export function httpAgent(options: HttpAgentOptions): AgentAdapter {
  const name = options.name ?? "HttpAgent";
  const format = options.format ?? "json";
  const streaming = format === "sse" || (options.format === "chat-completions" && options.stream === true);
  const conversationId =
    options.conversationId === false ? {} : (options.conversationId ?? { header: DEFAULT_THREAD_HEADER });
  let inFlight: AbortController | undefined;

  function requestHeaders(): { headers: Record<string, string>; redact: Redact } {
    const env = options.env ?? process.env;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: streaming ? "text/event-stream" : "application/json",
      ...options.headers,
    };
    const read = (variable: string, option: string) => {
      const value = env[variable];
      if (value === undefined || value === "") {
        throw new ConfigurationError(
          `The environment variable ${variable} is not set; set it, or change the \`${option}\` option of httpAgent().`,
        );
      }
      return value;
    };
    const secrets: string[] = [];
    for (const [header, variable] of Object.entries(options.headersFromEnv ?? {})) {
      headers[header] = read(variable, "headersFromEnv");
      secrets.push(headers[header]);
    }
    if (options.bearerTokenEnv) {
      const token = read(options.bearerTokenEnv, "bearerTokenEnv");
      headers.authorization = `Bearer ${token}`;
      secrets.push(token);
    }
    for (const [header, value] of Object.entries(options.headers ?? {})) {
      if (/authorization|key|token|secret|cookie|password/i.test(header)) secrets.push(value);
    }
    return { headers, redact: redactor(secrets) };
  }

  function requestBody(input: AgentInput): unknown {
    const messages = options.messages === "new" ? input.newMessages : input.messages;
    let body: unknown;
    if (options.format === "chat-completions") {
      body = {
        ...options.body,
        ...(options.model === undefined ? {} : { model: options.model }),
        messages: toChatCompletionsMessages(messages),
        ...(options.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      };
    } else {
      body = options.request ? options.request(messages, input) : { messages };
    }
    if (conversationId.field && isRecord(body)) body = { ...body, [conversationId.field]: input.threadId };
    return body;
  }

  async function readEvents(
    response: Response,
    onEvent: (event: HttpAgentSseEvent) => boolean,
  ): Promise<void> {
    if (!response.body) return;
    const reader = response.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream())
      .getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || onEvent(value)) return;
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  async function readReply(response: Response, input: AgentInput, partial: { reply?: PartialReply }) {
    if (options.format === "chat-completions" && options.stream) {
      const stream = new ChatCompletionStream();
      partial.reply = stream;
      await readEvents(response, (event) => {
        if (event.data.trim() === "[DONE]") return true;
        const text = stream.apply(JSON.parse(event.data));
        if (text) options.onTextDelta?.(text);
        return false;
      });
      if (stream.usage) input.recordUsage(stream.usage);
      return stream.messages();
    }
    if (options.format === "sse") {
      const readEvent = options.event ?? readSseEvent;
      const messages: ModelMessage[] = [];
      let text = "";
      const collected = () => [
        ...messages,
        ...(text === "" ? [] : [{ role: "assistant" as const, content: text }]),
      ];
      partial.reply = { messages: collected };
      await readEvents(response, (event) => {
        const update = readEvent(event);
        if (update?.text) {
          text += update.text;
          options.onTextDelta?.(update.text);
        }
        if (update?.messages) messages.push(...update.messages);
        if (update?.usage) input.recordUsage(update.usage);
        return update?.done === true;
      });
      return collected();
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // A plain-text answer is the reply itself.
    }
    if (options.format === "chat-completions") {
      const completion = readChatCompletion(body);
      if (completion.usage) input.recordUsage(completion.usage);
      return completion.messages;
    }
    if (options.response) return options.response(body, input);
    const reply = readJsonReply(body);
    if (!reply) {
      throw new Error(
        "the response has no `messages`, `message` or text field; pass `response: (body) => …` to httpAgent() to read it",
      );
    }
    if (reply.usage) input.recordUsage(reply.usage);
    return reply.messages;
  }

  const adapter: AgentAdapter = {
    specificationVersion: AGENT_SPECIFICATION_VERSION,
    role: AgentRole.AGENT,
    name,
    async call(input: AgentInput): Promise<AgentReturn> {
      const controller = new AbortController();
      inFlight = controller;
      const signal = input.signal ? AbortSignal.any([input.signal, controller.signal]) : controller.signal;
      const partial: { reply?: PartialReply } = {};
      let redact: Redact = (text) => text;
      try {
        const request = requestHeaders();
        redact = request.redact;
        if (conversationId.header) request.headers[conversationId.header] = input.threadId;
        // The agent behind HTTP continues the run's trace (W3C traceparent) when tracing is set up.
        getScenarioInstrumentation()?.injectTraceHeaders?.(request.headers);
        const { response, signal: bodySignal } = await postWithRetry({
          url: options.url,
          headers: request.headers,
          body: JSON.stringify(requestBody(input)),
          signal,
          timeoutMs: options.timeoutMs ?? 60_000,
          retries: options.retries ?? 2,
          retryDelayMs: options.retryDelayMs ?? 500,
          maxRetryDelayMs: options.maxRetryDelayMs ?? 10_000,
          fetch: options.fetch ?? globalThis.fetch,
          redact,
        });
        try {
          const reply = await readReply(response, input, partial);
          return Array.isArray(reply) && reply.length === 0 ? null : reply;
        } catch (error) {
          if (bodySignal.aborted && !signal.aborted) throw new HttpTimeoutError(options.timeoutMs ?? 60_000);
          throw error;
        }
      } catch (error) {
        // An interrupted stream keeps what the agent said before the interruption.
        if (controller.signal.aborted && !input.signal?.aborted) {
          const messages = partial.reply?.messages() ?? [];
          return messages.length === 0 ? null : messages;
        }
        throw new AgentCallError(name, `POST ${options.url} ${redact(describe(error))}`, {
          cause:
            error instanceof HttpStatusError || error instanceof HttpTimeoutError
              ? error
              : redactError(error, redact),
        });
      } finally {
        if (inFlight === controller) inFlight = undefined;
      }
    },
  };
  if (streaming) {
    adapter.interrupt = () => {
      inFlight?.abort();
    };
  }
  return adapter;
}

function describe(error: unknown): string {
  if (error instanceof HttpStatusError) {
    const body = error.bodyText.trim().slice(0, 300);
    return `${error.message}${body ? `: ${body}` : ""}`;
  }
  if (error instanceof HttpTimeoutError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `failed: ${message}${cause}`;
}

/** The error itself, or, when its message shows a secret, a copy without it. */
function redactError(error: unknown, redact: Redact): unknown {
  if (!(error instanceof Error)) return typeof error === "string" ? redact(error) : error;
  const message = redact(error.message);
  if (message === error.message) return error;
  const copy = new Error(message);
  copy.name = error.name;
  return copy;
}
