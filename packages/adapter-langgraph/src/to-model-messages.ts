import { type BaseMessage, coerceMessageLikeToMessage } from "@langchain/core/messages";
import type { ModelMessage } from "@scenario/spec";

type AssistantPart =
  | { type: "text"; text: string }
  | { type: "tool-call"; toolCallId: string; toolName: string; input: unknown };
type ToolResultPart = {
  type: "tool-result";
  toolCallId: string;
  toolName: string;
  output:
    | { type: "text"; value: string }
    | { type: "json"; value: unknown }
    | { type: "error-text"; value: string };
};

/**
 * LangChain messages as AI SDK messages: AI messages become assistant messages (text, then a
 * `tool-call` part per tool call), tool messages become `tool-result` parts (consecutive ones
 * share a tool message), human and system messages keep their role. A tool message without a
 * `name` takes it from the tool call it answers, found in `history` or `messages`.
 */
export function toModelMessages(
  messages: readonly unknown[],
  history: readonly unknown[] = [],
): ModelMessage[] {
  const toolNames = new Map<string, string>();
  const converted: ModelMessage[] = [];
  for (const message of [...history, ...messages].map(asMessage)) {
    for (const call of toolCallsOf(message)) toolNames.set(call.id, call.name);
  }
  for (const message of messages.map(asMessage)) {
    switch (message.type) {
      case "system":
        converted.push({ role: "system", content: message.text });
        break;
      case "human":
        converted.push({ role: "user", content: message.text });
        break;
      case "ai": {
        const parts: AssistantPart[] = [];
        if (message.text !== "") parts.push({ type: "text", text: message.text });
        for (const call of toolCallsOf(message)) {
          parts.push({ type: "tool-call", toolCallId: call.id, toolName: call.name, input: call.args });
        }
        if (parts.length > 0) converted.push({ role: "assistant", content: parts } as ModelMessage);
        break;
      }
      case "tool": {
        const toolMessage = message as BaseMessage & { tool_call_id: string; status?: string };
        const part: ToolResultPart = {
          type: "tool-result",
          toolCallId: toolMessage.tool_call_id,
          toolName: toolMessage.name ?? toolNames.get(toolMessage.tool_call_id) ?? "",
          output: toolOutput(toolMessage.text, toolMessage.status === "error"),
        };
        const last = converted.at(-1);
        if (last?.role === "tool") (last.content as unknown[]).push(part);
        else converted.push({ role: "tool", content: [part] } as ModelMessage);
        break;
      }
    }
  }
  return converted;
}

function asMessage(message: unknown): BaseMessage {
  return coerceMessageLikeToMessage(message as Parameters<typeof coerceMessageLikeToMessage>[0]);
}

function toolCallsOf(message: BaseMessage): Array<{ id: string; name: string; args: unknown }> {
  if (message.type !== "ai") return [];
  const calls = (
    message as BaseMessage & { tool_calls?: Array<{ id?: string; name: string; args: unknown }> }
  ).tool_calls;
  return (calls ?? []).map((call) => ({ id: call.id ?? "", name: call.name, args: call.args }));
}

/** Tool output text in the AI SDK's encoding: JSON objects as JSON, anything else as text. */
function toolOutput(text: string, isError: boolean): ToolResultPart["output"] {
  if (isError) return { type: "error-text", value: text };
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === "object") return { type: "json", value: parsed };
  } catch {
    // Not JSON: plain text.
  }
  return { type: "text", value: text };
}
