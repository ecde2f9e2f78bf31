import type { AgentInput, AgentReturn, ModelMessage, TokenUsage } from "@scenario/spec";

/** One server-sent event, as `eventsource-parser` reads it. */
export interface HttpAgentSseEvent {
  /** The `event:` field, when the server set one. */
  event?: string | undefined;
  /** The `data:` field (lines joined with `\n`). */
  data: string;
  /** The `id:` field, when the server set one. */
  id?: string | undefined;
}

/** What one server-sent event adds to the reply. */
export interface HttpAgentSseUpdate {
  /** Text to append to the answer. */
  text?: string;
  /** Whole messages to append (tool calls, tool results). */
  messages?: ModelMessage[];
  /** Tokens the agent reports. */
  usage?: TokenUsage;
  /** True when the reply is complete (the stream may stay open). */
  done?: boolean;
}

/** Options every format of `httpAgent()` takes. */
export interface HttpAgentCommonOptions {
  /** The endpoint to POST to, such as `https://agent.example.com/chat`. */
  url: string;
  /** The adapter's name, in errors and reports. @default "HttpAgent" */
  name?: string;
  /**
   * Fixed request headers. Put secrets in `headersFromEnv` instead, so they stay out of your
   * source; either way header values never appear in errors, logs or events.
   */
  headers?: Record<string, string>;
  /**
   * Request headers read from environment variables on each call: header name to variable name,
   * such as `{ "X-Api-Key": "AGENT_API_KEY" }`. A missing variable fails the call, naming it.
   */
  headersFromEnv?: Record<string, string>;
  /**
   * The environment variable holding a bearer token, sent as `Authorization: Bearer <token>`.
   * A missing variable fails the call, naming it.
   */
  bearerTokenEnv?: string;
  /** Where environment variables are read from. @default process.env */
  env?: Record<string, string | undefined>;
  /**
   * How the conversation id (the run's `threadId`) reaches the server: as a request header, as a
   * field of the JSON body, or both. Pass `false` to send neither.
   * @default { header: "X-Scenario-Thread-Id" }
   */
  conversationId?: { header?: string; field?: string } | false;
  /**
   * What each request carries: `"all"` sends the whole conversation (for stateless servers),
   * `"new"` only the messages added since the agent's last turn (for servers that keep the
   * conversation by its id).
   * @default "all"
   */
  messages?: "all" | "new";
  /** How long one attempt may take before it is abandoned, in milliseconds. @default 60000 */
  timeoutMs?: number;
  /** How many times a 429 or 5xx answer is retried. @default 2 */
  retries?: number;
  /**
   * The wait before the first retry, doubled for each next one, in milliseconds; a `Retry-After`
   * header overrides it (capped at `maxRetryDelayMs`).
   * @default 500
   */
  retryDelayMs?: number;
  /** The longest wait between two attempts, in milliseconds. @default 10000 */
  maxRetryDelayMs?: number;
  /** Called with each piece of text as a streamed reply arrives. */
  onTextDelta?: (text: string) => void;
  /** The `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** An OpenAI-compatible chat completions endpoint (`url` ends in `/chat/completions`). */
export interface HttpAgentChatCompletionsOptions extends HttpAgentCommonOptions {
  /** The wire format. */
  format: "chat-completions";
  /** The `model` field of the request, when the endpoint needs one. */
  model?: string;
  /** Asks for a streamed (SSE) answer. A streamed reply can be interrupted. @default false */
  stream?: boolean;
  /** Extra fields for the request body (`temperature`, `tools`, …). */
  body?: Record<string, unknown>;
}

/** A JSON endpoint: one request, one JSON answer. */
export interface HttpAgentJsonOptions extends HttpAgentCommonOptions {
  /** The wire format. @default "json" */
  format?: "json";
  /**
   * Builds the request body from the turn's messages (per the `messages` option) and the input.
   * @default ({ messages }) => ({ messages })
   */
  request?: (messages: ModelMessage[], input: AgentInput) => unknown;
  /**
   * Reads the agent's reply from the response body (and may report usage). By default it takes
   * `messages`, `message`, or text from `text`, `content`, `reply` or `output`, or a plain string,
   * and `usage` when present.
   */
  response?: (body: unknown, input: AgentInput) => AgentReturn;
}

/** An endpoint that answers with server-sent events. */
export interface HttpAgentSseOptions extends HttpAgentCommonOptions {
  /** The wire format. */
  format: "sse";
  /** Builds the request body. @default ({ messages }) => ({ messages }) */
  request?: (messages: ModelMessage[], input: AgentInput) => unknown;
  /**
   * Reads one event. By default `[DONE]` ends the reply, JSON data contributes its `text`,
   * `delta` or `content` string, its `messages` and its `usage`, and other data is text.
   */
  event?: (event: HttpAgentSseEvent) => HttpAgentSseUpdate | undefined;
}

/** Options of `httpAgent()`, by wire format. */
export type HttpAgentOptions = HttpAgentJsonOptions | HttpAgentChatCompletionsOptions | HttpAgentSseOptions;
