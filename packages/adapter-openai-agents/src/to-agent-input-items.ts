import type { AgentInputItem } from "@openai/agents";
import type { ModelMessage } from "@scenario/spec";

type UserContentItem = Extract<AgentInputItem, { role: "user" }>["content"];
type UserPart = Exclude<UserContentItem, string>[number];
type ToolOutput = Extract<AgentInputItem, { type: "function_call_result" }>["output"];

/** A part of any message, read loosely: the AI SDK 6 and 7 part unions differ in their details. */
interface LoosePart {
  type: string;
  text?: string;
  image?: unknown;
  data?: unknown;
  mediaType?: string;
  filename?: string;
  toolCallId?: string;
  toolName?: string;
  input?: unknown;
  output?: { type: string; value?: unknown; reason?: string };
}

/**
 * The conversation as the OpenAI Agents SDK's input items: user and system messages, assistant
 * text, function calls and their results. Reasoning is left out: the Responses API only accepts
 * reasoning items it issued itself (with their ids), which another agent's history cannot carry.
 */
export function toAgentInputItems(messages: readonly ModelMessage[]): AgentInputItem[] {
  const items: AgentInputItem[] = [];
  for (const message of messages) {
    switch (message.role) {
      case "system":
        items.push({ role: "system", content: message.content });
        break;
      case "user":
        items.push({ role: "user", content: userContent(message.content as string | LoosePart[]) });
        break;
      case "assistant":
        items.push(...assistantItems(message.content as string | LoosePart[]));
        break;
      case "tool":
        for (const part of message.content as LoosePart[]) {
          if (part.type !== "tool-result") continue;
          items.push({
            type: "function_call_result",
            callId: part.toolCallId ?? "",
            name: part.toolName ?? "",
            status: "completed",
            output: toolOutputText(part.output),
          });
        }
        break;
    }
  }
  return items;
}

function userContent(content: string | LoosePart[]): UserContentItem {
  if (typeof content === "string") return content;
  const parts: UserPart[] = [];
  for (const part of content) {
    if (part.type === "text") parts.push({ type: "input_text", text: part.text ?? "" });
    else if (part.type === "image") {
      const image = mediaReference(part.image, part.mediaType ?? "image/png");
      if (image !== undefined) parts.push({ type: "input_image", image });
    } else if (part.type === "file") {
      const file = mediaReference(part.data, part.mediaType ?? "application/octet-stream");
      if (file !== undefined) {
        parts.push({ type: "input_file", file, ...(part.filename ? { filename: part.filename } : {}) });
      }
    }
  }
  return parts;
}

/** A URL stays a URL; bytes and base64 become a data URL, the form the Agents SDK accepts inline. */
function mediaReference(value: unknown, mediaType: string): string | undefined {
  if (value instanceof URL) return value.href;
  if (typeof value === "string") {
    return /^(https?|data):/.test(value) ? value : `data:${mediaType};base64,${value}`;
  }
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    const bytes = value instanceof Uint8Array ? value : new Uint8Array(value);
    return `data:${mediaType};base64,${Buffer.from(bytes).toString("base64")}`;
  }
  return undefined;
}

function assistantItems(content: string | LoosePart[]): AgentInputItem[] {
  if (typeof content === "string") return [assistantText(content)];
  const items: AgentInputItem[] = [];
  for (const part of content) {
    if (part.type === "text" && part.text) items.push(assistantText(part.text));
    else if (part.type === "tool-call") {
      items.push({
        type: "function_call",
        callId: part.toolCallId ?? "",
        name: part.toolName ?? "",
        status: "completed",
        arguments: typeof part.input === "string" ? part.input : JSON.stringify(part.input ?? {}),
      });
    } else if (part.type === "tool-result") {
      items.push({
        type: "function_call_result",
        callId: part.toolCallId ?? "",
        name: part.toolName ?? "",
        status: "completed",
        output: toolOutputText(part.output),
      });
    }
  }
  return items;
}

function assistantText(text: string): AgentInputItem {
  return { role: "assistant", status: "completed", content: [{ type: "output_text", text }] };
}

/** A tool's output as the text the model reads back. */
function toolOutputText(output: LoosePart["output"]): ToolOutput {
  if (output === undefined) return "";
  switch (output.type) {
    case "text":
    case "error-text":
      return String(output.value ?? "");
    case "execution-denied":
      return `Tool execution denied${output.reason ? `: ${output.reason}` : "."}`;
    default:
      return JSON.stringify(output.value ?? null);
  }
}
