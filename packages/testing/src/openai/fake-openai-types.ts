/**
 * The shapes the fake OpenAI-compatible server hands to tests: the normalised request a reply
 * function sees, the replies and faults a test supplies, and the request log it can assert on.
 */

/** Which OpenAI endpoint a request came through. */
export type FakeEndpoint = "chat.completions" | "responses";

/**
 * Which Scenario participant made a request, read from the `X-Scenario-Role` header. A request
 * without the header comes from the agent under test (`"agent"`); any other header value is kept
 * verbatim so a test can route on it.
 */
export type FakeScenarioRole = "agent" | "judge" | "user-simulator" | (string & {});

/** A tool call, in a message of the conversation or in a reply. */
export interface FakeToolCall {
  /** The call's id; the matching tool message carries it as `toolCallId`. */
  id: string;
  /** The name of the tool called. */
  name: string;
  /** The arguments: the parsed JSON, or the raw string when it is not valid JSON. */
  arguments: unknown;
}

/**
 * One message of the conversation, normalised to the same simple form for both endpoints:
 * text parts are joined, `developer` becomes `system`, Responses API items become messages.
 */
export type FakeMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string; toolCalls: FakeToolCall[] }
  | { role: "tool"; toolCallId: string; content: string };

/** A function tool offered to the model. */
export interface FakeTool {
  /** The tool's name. */
  name: string;
  /** The tool's description, when given. */
  description?: string;
  /** The JSON schema of the tool's arguments. */
  parameters: Record<string, unknown>;
}

/**
 * How the model may use the tools: `auto` (may call them), `none`, `required` (must call one) or
 * `{ type: "tool", toolName }` (must call that one).
 */
export type FakeToolChoice = "auto" | "none" | "required" | { type: "tool"; toolName: string };

/** A model request as a reply function sees it, the same for both endpoints. */
export interface FakeModelRequest {
  /** The endpoint the request came through. */
  endpoint: FakeEndpoint;
  /** The requested model id. */
  model: string;
  /** The conversation, normalised (system instructions first when the Responses API sent them). */
  messages: FakeMessage[];
  /** The function tools offered; empty when none. */
  tools: FakeTool[];
  /** The tool choice. @default "auto" */
  toolChoice: FakeToolChoice;
  /** Whether the client asked for a streamed (SSE) answer. */
  stream: boolean;
  /** Who made the request, from the `X-Scenario-Role` header. */
  role: FakeScenarioRole;
  /** The request headers, lower-cased, with credentials replaced by `[REDACTED]`. */
  headers: Record<string, string>;
  /** The parsed JSON body, as sent. */
  body: Record<string, unknown>;
  /** The 0-based position of the request among all the server has received. */
  index: number;
}

/** A tool call in a reply. */
export interface FakeReplyToolCall {
  /** The tool to call. */
  name: string;
  /**
   * The arguments: an object is sent as its JSON, a string is sent verbatim (so a test can send
   * invalid JSON on purpose).
   * @default {}
   */
  arguments?: unknown;
  /** The call's id. @default a fresh `call_…` id */
  id?: string;
}

/** Token counts of one model call. */
export interface FakeTokenUsage {
  /** Prompt tokens. */
  inputTokens: number;
  /** Completion tokens. */
  outputTokens: number;
  /** Both. */
  totalTokens: number;
}

/** What the fake model answers: text and/or tool calls. */
export interface FakeReply {
  /** The assistant's text. */
  text?: string;
  /** Tool calls the assistant makes. */
  toolCalls?: FakeReplyToolCall[];
  /**
   * Overrides the counted tokens; the fields left out keep the server's estimate (see
   * `estimateTokens`).
   */
  usage?: { inputTokens?: number; outputTokens?: number };
  /** Extra delay before this reply is sent, added to the server's `latencyMs`. @default 0 */
  latencyMs?: number;
}

/** A reply, or just its text. */
export type FakeReplyInput = string | FakeReply;

/** Produces the reply to a request. Throwing answers the request with a 500 naming the error. */
export type FakeReplyFunction = (request: FakeModelRequest) => FakeReplyInput | Promise<FakeReplyInput>;

/**
 * A failure the server plays instead of (or, for `cut-stream`, in the middle of) a normal answer.
 * - `rate-limit`: HTTP 429 with a `Retry-After` header.
 * - `server-error`: HTTP 500 (or the given 5xx) with an OpenAI-style error body.
 * - `malformed-json`: HTTP 200 whose body (or, when streaming, whose first event) is not valid JSON.
 * - `cut-stream`: the reply starts normally and the connection is destroyed partway.
 * - `hang`: the request is never answered, until the client aborts or the server closes.
 */
export type FakeFault =
  | {
      type: "rate-limit";
      /** The `Retry-After` header, in seconds. @default 1 */
      retryAfterSeconds?: number;
      /** The error message. */
      message?: string;
    }
  | {
      type: "server-error";
      /** The HTTP status. @default 500 */
      status?: number;
      /** The error message. */
      message?: string;
    }
  | { type: "malformed-json" }
  | {
      type: "cut-stream";
      /**
       * How many SSE events are sent before the connection is destroyed. For a non-streamed
       * request, half of the body is sent instead.
       * @default up to and including the first event that carries output
       */
      afterEvents?: number;
    }
  | { type: "hang" };

/** Chooses a fault for a request, or none (`undefined`) to answer normally. */
export type FakeFaultFunction = (request: FakeModelRequest) => FakeFault | undefined;

/** A per-request delay in milliseconds, fixed or computed from the request. */
export type FakeLatency = number | ((request: FakeModelRequest) => number);

/** One entry of the server's request log. */
export interface FakeRequestLogEntry {
  /** The 0-based position of the request. */
  index: number;
  /** The HTTP method. */
  method: string;
  /** The path, for example `/v1/chat/completions`. */
  path: string;
  /** The endpoint, when the path is one the server serves. */
  endpoint?: FakeEndpoint;
  /** The requested model, when the body named one. */
  model?: string;
  /** Who made the request, from the `X-Scenario-Role` header. */
  role: FakeScenarioRole;
  /** The request headers, lower-cased, with credentials replaced by `[REDACTED]`. */
  headers: Record<string, string>;
  /** The parsed JSON body (`undefined` when it was not JSON). */
  body: unknown;
  /** The normalised request, when the body was valid. */
  request?: FakeModelRequest;
  /** When the request arrived, in milliseconds since the epoch. */
  receivedAt: number;
  /** The HTTP status sent; `undefined` while unanswered or when never answered. */
  status?: number;
  /** The fault played, if any. */
  fault?: FakeFault["type"];
  /** Token counts of the reply; set once a reply was produced. */
  usage?: FakeTokenUsage;
  /** Why the request failed on the server's side (a bad body, a reply function that threw). */
  error?: string;
}

/** Token counts summed over the replies the server produced. */
export interface FakeUsageTotals extends FakeTokenUsage {
  /** How many replies were counted. */
  replies: number;
  /** The same sums per role (`agent`, `judge`, `user-simulator`, …) that made any request. */
  byRole: Record<string, FakeTokenUsage & { replies: number }>;
}
