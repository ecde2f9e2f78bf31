import { estimateCompletionTokens, estimatePromptTokens } from "./estimate-tokens";
import type { FakeModelRequest, FakeReply, FakeTokenUsage } from "./fake-openai-types";

/** A reply with everything the wire formats need fixed: ids, serialised arguments, usage. */
export interface WireReply {
  /** The response id (`chatcmpl-…` or `resp_…`). */
  id: string;
  /** The requested model, echoed back. */
  model: string;
  /** Creation time in whole seconds, as OpenAI sends it. */
  createdSeconds: number;
  /** The Responses API id of the message item. */
  messageItemId: string;
  /** The text; `undefined` when the reply has only tool calls. */
  text: string | undefined;
  /** The tool calls with their ids and JSON arguments. */
  toolCalls: Array<{ callId: string; itemId: string; name: string; argumentsJson: string }>;
  /** Token counts, the reply's overrides applied. */
  usage: FakeTokenUsage;
}

/** One server-sent event: its JSON payload, and whether it carries model output. */
export interface WireEvent {
  /** The `event:` name, when the format names its events. */
  event?: string;
  /** The `data:` payload. */
  data: string;
  /** True for events with text or tool-call content (where a cut stream is most telling). */
  carriesOutput: boolean;
}

/** Splits text into streaming pieces (a word with its trailing space) that join back exactly. */
export function textPieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** Fixes ids, arguments and usage of a reply to request number `index`. */
export function toWireReply(reply: FakeReply, request: FakeModelRequest, index: number): WireReply {
  const prefix = request.endpoint === "chat.completions" ? "chatcmpl-fake" : "resp_fake";
  const inputTokens = reply.usage?.inputTokens ?? estimatePromptTokens(request.messages);
  const outputTokens = reply.usage?.outputTokens ?? estimateCompletionTokens(reply);
  return {
    id: `${prefix}${index}`,
    model: request.model,
    createdSeconds: Math.floor(Date.now() / 1000),
    messageItemId: `msg_fake${index}`,
    text: reply.text,
    toolCalls: (reply.toolCalls ?? []).map((toolCall, position) => ({
      callId: toolCall.id ?? `call_fake${index}_${position}`,
      itemId: `fc_fake${index}_${position}`,
      name: toolCall.name,
      argumentsJson:
        typeof toolCall.arguments === "string"
          ? toolCall.arguments
          : JSON.stringify(toolCall.arguments ?? {}),
    })),
    usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
  };
}
