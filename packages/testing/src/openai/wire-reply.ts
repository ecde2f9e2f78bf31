import { estimateTokens } from "./estimate-tokens";
import type { FakeMessage, FakeModelRequest, FakeReply, FakeTokenUsage } from "./fake-openai-types";

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
  toolCalls: WireToolCall[];
  /** Token counts, the reply's overrides applied. */
  usage: FakeTokenUsage;
}

/** A reply's tool call with its ids fixed and its arguments serialised. */
export interface WireToolCall {
  /** The call id the client answers with its tool result. */
  callId: string;
  /** The Responses API id of the `function_call` item. */
  itemId: string;
  /** The tool called. */
  name: string;
  /** The arguments as sent: JSON, or a string verbatim. */
  argumentsJson: string;
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

/** Splits tool-call arguments into the two halves they are streamed in, leaving out an empty one. */
export function argumentHalves(json: string): string[] {
  const half = Math.ceil(json.length / 2);
  return [json.slice(0, half), json.slice(half)].filter((part) => part !== "");
}

/** Tool-call arguments as sent on the wire: a string verbatim, anything else as JSON. */
export function argumentsJson(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? {});
}

function toolCallTokens(name: string, json: string): number {
  return estimateTokens(`${name} ${json}`);
}

/** Prompt tokens: the tokens of every message's text, tool calls' names and arguments included. */
function estimatePromptTokens(messages: readonly FakeMessage[]): number {
  let total = 0;
  for (const message of messages) {
    total += estimateTokens(message.content);
    if (message.role === "assistant") {
      for (const toolCall of message.toolCalls) {
        total += toolCallTokens(toolCall.name, argumentsJson(toolCall.arguments));
      }
    }
  }
  return total;
}

/** Completion tokens: the reply's text plus its tool calls' names and arguments. */
function estimateCompletionTokens(text: string | undefined, toolCalls: readonly WireToolCall[]): number {
  let total = estimateTokens(text ?? "");
  for (const toolCall of toolCalls) total += toolCallTokens(toolCall.name, toolCall.argumentsJson);
  return total;
}

/** Fixes ids, arguments and usage of a reply to request number `index`. */
export function toWireReply(reply: FakeReply, request: FakeModelRequest, index: number): WireReply {
  const prefix = request.endpoint === "chat.completions" ? "chatcmpl-fake" : "resp_fake";
  const toolCalls = (reply.toolCalls ?? []).map(
    (toolCall, position): WireToolCall => ({
      callId: toolCall.id ?? `call_fake${index}_${position}`,
      itemId: `fc_fake${index}_${position}`,
      name: toolCall.name,
      argumentsJson: argumentsJson(toolCall.arguments),
    }),
  );
  const inputTokens = reply.usage?.inputTokens ?? estimatePromptTokens(request.messages);
  const outputTokens = reply.usage?.outputTokens ?? estimateCompletionTokens(reply.text, toolCalls);
  return {
    id: `${prefix}${index}`,
    model: request.model,
    createdSeconds: Math.floor(Date.now() / 1000),
    messageItemId: `msg_fake${index}`,
    text: reply.text,
    toolCalls,
    usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
  };
}
