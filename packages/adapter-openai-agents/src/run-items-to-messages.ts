import type { RunItem } from "@openai/agents";
import type { ModelMessage } from "@scenario/spec";

/** An assistant or tool message part as this module builds it (the spec's shapes). */
type Part =
  | { type: "text"; text: string }
  | { type: "reasoning"; text: string }
  | { type: "tool-call"; toolCallId: string; toolName: string; input: unknown; providerExecuted?: boolean }
  | {
      type: "tool-result";
      toolCallId: string;
      toolName: string;
      output: { type: "text"; value: string } | { type: "json"; value: unknown };
    };

/**
 * The items one run produced, as conversation messages: assistant text, reasoning and tool calls
 * (handoffs included, under their `transfer_to_…` tool name) in assistant messages, and the
 * results of function tools and handoffs in tool messages, in the order the run produced them.
 * Approval requests and compaction bookkeeping are left out: they are not part of the dialogue.
 */
export function runItemsToMessages(items: readonly RunItem[]): ModelMessage[] {
  const messages: Array<{ role: "assistant" | "tool"; content: Part[] }> = [];
  const add = (role: "assistant" | "tool", part: Part) => {
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(part);
    else messages.push({ role, content: [part] });
  };

  for (const item of items) {
    switch (item.type) {
      case "message_output_item": {
        for (const content of item.rawItem.content) {
          if (content.type === "output_text") add("assistant", { type: "text", text: content.text });
          else if (content.type === "refusal") add("assistant", { type: "text", text: content.refusal });
          else if (content.type === "audio" && content.transcript) {
            add("assistant", { type: "text", text: content.transcript });
          }
        }
        break;
      }
      case "reasoning_item": {
        const text = item.rawItem.content.map((content) => content.text).join("\n");
        if (text !== "") add("assistant", { type: "reasoning", text });
        break;
      }
      case "tool_call_item":
      case "handoff_call_item": {
        const call = item.rawItem;
        if (call.type === "function_call") {
          add("assistant", {
            type: "tool-call",
            toolCallId: call.callId,
            toolName: call.name,
            input: parseArguments(call.arguments),
          });
        } else if (call.type === "hosted_tool_call") {
          // A tool the provider ran itself (web search, file search): call and result in one item.
          const toolCallId = call.id ?? call.name;
          add("assistant", {
            type: "tool-call",
            toolCallId,
            toolName: call.name,
            input: parseArguments(call.arguments ?? "{}"),
            providerExecuted: true,
          });
        }
        break;
      }
      case "tool_call_output_item":
      case "handoff_output_item": {
        const result = item.rawItem;
        if (result.type !== "function_call_result") break;
        add("tool", {
          type: "tool-result",
          toolCallId: result.callId,
          toolName: result.name,
          output: toolOutput(item.type === "tool_call_output_item" ? item.output : result.output),
        });
        break;
      }
    }
  }
  return messages as ModelMessage[];
}

/** Function-call arguments arrive as a JSON string; a string that is not JSON stays as it is. */
function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A tool's output in the AI SDK's encoding: strings as text, anything else as JSON. */
function toolOutput(value: unknown): { type: "text"; value: string } | { type: "json"; value: unknown } {
  if (typeof value === "string") {
    // Handoff results are JSON text (`{"assistant":"Billing agent"}`): keep their structure.
    const parsed = parseArguments(value);
    return parsed !== null && typeof parsed === "object"
      ? { type: "json", value: parsed }
      : { type: "text", value };
  }
  if (isTextOutput(value)) return toolOutput(value.text);
  return { type: "json", value: value ?? null };
}

function isTextOutput(value: unknown): value is { type: "text"; text: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { type?: unknown }).type === "text" &&
    typeof (value as { text?: unknown }).text === "string"
  );
}
