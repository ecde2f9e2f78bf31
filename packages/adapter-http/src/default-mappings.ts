import type { ModelMessage, TokenUsage } from "@scenario/spec";
import { chatUsage } from "./chat-completions-format";
import type { HttpAgentSseEvent, HttpAgentSseUpdate } from "./http-agent-options";

const TEXT_FIELDS = ["text", "content", "reply", "output"] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads usage in the AI SDK's shape (`inputTokens`, `outputTokens`) or OpenAI's
 * (`prompt_tokens`, `completion_tokens`), with the `modelId` (or OpenAI's `model`) and `provider`
 * that price it when the agent sends them; undefined when it is neither.
 */
export function usageOf(value: unknown): TokenUsage | undefined {
  const usage = tokenUsageOf(value);
  if (!usage || !isRecord(value)) return usage;
  const modelId = typeof value.modelId === "string" ? value.modelId : value.model;
  return {
    ...usage,
    ...(typeof modelId === "string" && modelId !== "" ? { modelId } : {}),
    ...(typeof value.provider === "string" && value.provider !== "" ? { provider: value.provider } : {}),
  };
}

function tokenUsageOf(value: unknown): TokenUsage | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.inputTokens === "number" || typeof value.outputTokens === "number") {
    const inputTokens = typeof value.inputTokens === "number" ? value.inputTokens : undefined;
    const outputTokens = typeof value.outputTokens === "number" ? value.outputTokens : undefined;
    return {
      inputTokens,
      outputTokens,
      totalTokens:
        typeof value.totalTokens === "number" ? value.totalTokens : (inputTokens ?? 0) + (outputTokens ?? 0),
    };
  }
  return chatUsage(value as Parameters<typeof chatUsage>[0]);
}

/**
 * The default reading of a JSON reply: an array of messages, `{ messages }`, `{ message }`, a
 * string, or text under `text`, `content`, `reply` or `output`; `usage` when present. Undefined
 * when the body has none of these.
 */
export function readJsonReply(body: unknown): { messages: ModelMessage[]; usage?: TokenUsage } | undefined {
  if (typeof body === "string") return { messages: [{ role: "assistant", content: body }] };
  if (Array.isArray(body)) return { messages: body as ModelMessage[] };
  if (!isRecord(body)) return undefined;
  const usage = usageOf(body.usage);
  const withUsage = (messages: ModelMessage[]) => ({ messages, ...(usage ? { usage } : {}) });
  if (Array.isArray(body.messages)) return withUsage(body.messages as ModelMessage[]);
  if (isRecord(body.message)) return withUsage([body.message as unknown as ModelMessage]);
  for (const field of TEXT_FIELDS) {
    const text = body[field];
    if (typeof text === "string") return withUsage([{ role: "assistant", content: text }]);
  }
  return undefined;
}

/**
 * The default reading of one server-sent event: `[DONE]` ends the reply; JSON data contributes
 * its `text`, `delta` or `content` string, its `messages` and `usage`, and `done: true`; any other
 * data is text.
 */
export function readSseEvent(event: HttpAgentSseEvent): HttpAgentSseUpdate | undefined {
  if (event.data.trim() === "[DONE]") return { done: true };
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch {
    return { text: event.data };
  }
  if (typeof data === "string") return { text: data };
  if (!isRecord(data)) return undefined;
  const update: HttpAgentSseUpdate = {};
  const text = [data.text, data.delta, data.content].find((value) => typeof value === "string");
  if (typeof text === "string") update.text = text;
  if (Array.isArray(data.messages)) update.messages = data.messages as ModelMessage[];
  const usage = usageOf(data.usage);
  if (usage) update.usage = usage;
  if (data.done === true) update.done = true;
  return update;
}
