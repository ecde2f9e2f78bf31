import type {
  ModelMessage,
  SnapshotMessage,
  SnapshotToolCall,
  ToolResultOutput,
  ToolResultPart,
} from "@scenario/spec";

/**
 * Converts the conversation to the AG-UI shape of message snapshots: text parts flattened into
 * string content, assistant tool calls as `toolCalls` with JSON-string arguments, tool results as
 * separate `tool` messages. `messageIds[i]` is the id of `messages[i]`; messages derived from one
 * conversation message get ids derived from it, so ids stay stable across snapshots.
 */
export function toSnapshotMessages(
  messages: readonly ModelMessage[],
  messageIds: readonly string[],
): SnapshotMessage[] {
  const snapshot: SnapshotMessage[] = [];
  messages.forEach((message, index) => {
    const id = messageIds[index] ?? `msg-${index}`;
    snapshot.push(...convertMessage(message, id));
  });
  return snapshot;
}

function convertMessage(message: ModelMessage, id: string): SnapshotMessage[] {
  switch (message.role) {
    case "system":
      return [{ id, role: "system", content: flattenText(message.content) }];
    case "user":
      return [{ id, role: "user", content: flattenText(message.content) }];
    case "assistant":
      return convertAssistantMessage(message.content, id);
    case "tool":
      return toolResultMessages(message.content, id);
    default:
      throw new TypeError(
        `Cannot convert a message with role ${JSON.stringify((message as { role?: unknown }).role)} to a snapshot.`,
      );
  }
}

function convertAssistantMessage(
  content: Extract<ModelMessage, { role: "assistant" }>["content"],
  id: string,
): SnapshotMessage[] {
  if (typeof content === "string") return [{ id, role: "assistant", content }];
  const toolCalls: SnapshotToolCall[] = [];
  for (const part of content) {
    if (part.type !== "tool-call") continue;
    toolCalls.push({
      id: part.toolCallId,
      type: "function",
      function: { name: part.toolName, arguments: stringifyArguments(part.input) },
    });
  }
  const text = flattenText(content);
  const toolResults = toolResultMessages(content, id);
  const converted: SnapshotMessage[] = [];
  // A message holding only provider-executed tool results needs no empty assistant message.
  if (text !== "" || toolCalls.length > 0 || toolResults.length === 0) {
    converted.push({
      id,
      role: "assistant",
      ...(text !== "" || toolCalls.length === 0 ? { content: text } : {}),
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
    });
  }
  converted.push(...toolResults);
  return converted;
}

function toolResultMessages(parts: ReadonlyArray<{ type: string }>, id: string): SnapshotMessage[] {
  const results = parts.filter((part): part is ToolResultPart => part.type === "tool-result");
  return results.map((part, index) => ({
    id: `${id}:tool:${index}`,
    role: "tool" as const,
    content: stringifyToolOutput(part.output),
    toolCallId: part.toolCallId,
  }));
}

function flattenText(content: string | ReadonlyArray<{ type: string; text?: string }>): string {
  if (typeof content === "string") return content;
  return content
    .filter((part) => part.type === "text" && typeof part.text === "string")
    .map((part) => part.text)
    .join("");
}

function stringifyArguments(input: unknown): string {
  // Providers sometimes hand the arguments over already serialised; encoding them again would
  // turn the object into a quoted string.
  if (typeof input === "string") return input;
  return JSON.stringify(input ?? {});
}

function stringifyToolOutput(output: ToolResultOutput | unknown): string {
  if (typeof output === "string") return output;
  if (output === null || typeof output !== "object" || !("type" in output)) {
    return JSON.stringify(output ?? null);
  }
  const typed = output as ToolResultOutput;
  switch (typed.type) {
    case "text":
    case "error-text":
      return typed.value;
    case "json":
    case "error-json":
      return JSON.stringify(typed.value);
    case "execution-denied":
      return typed.reason ?? "Tool execution denied.";
    case "content":
      return typed.value.map((item) => (item.type === "text" ? item.text : JSON.stringify(item))).join("");
    default:
      return JSON.stringify(typed);
  }
}
