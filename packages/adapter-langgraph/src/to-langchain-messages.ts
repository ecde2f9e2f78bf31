import {
  AIMessage,
  type BaseMessage,
  HumanMessage,
  type MessageContent,
  SystemMessage,
  ToolMessage,
} from "@langchain/core/messages";
import type { ModelMessage } from "@scenario/spec";

/** A part of any message, read loosely: the AI SDK 6 and 7 part unions differ in their details. */
interface LoosePart {
  type: string;
  text?: string;
  image?: unknown;
  data?: unknown;
  mediaType?: string;
  toolCallId?: string;
  toolName?: string;
  input?: unknown;
  output?: { type: string; value?: unknown; reason?: string };
}

/**
 * AI SDK messages as LangChain messages, each with a fresh id (so a graph's output can be told
 * apart from its input, and a checkpointer keeps the id): system, human, AI (text and `tool_calls`) and tool
 * messages (one per tool result, with its `tool_call_id` and tool name). Reasoning parts are left
 * out: LangChain keeps a provider's reasoning in provider-specific fields that another model's
 * history cannot fill.
 */
export function toLangChainMessages(messages: readonly ModelMessage[]): BaseMessage[] {
  const converted: BaseMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case "system":
        converted.push(new SystemMessage({ content: message.content, id: newId() }));
        break;
      case "user":
        converted.push(
          new HumanMessage({ content: userContent(message.content as string | LoosePart[]), id: newId() }),
        );
        break;
      case "assistant":
        converted.push(...assistantMessages(message.content as string | LoosePart[]));
        break;
      case "tool":
        for (const part of message.content as LoosePart[]) {
          if (part.type === "tool-result") converted.push(toolMessage(part));
        }
        break;
    }
  }
  return converted;
}

function userContent(content: string | LoosePart[]): MessageContent {
  if (typeof content === "string") return content;
  const blocks: Array<Record<string, unknown>> = [];
  for (const part of content) {
    if (part.type === "text") blocks.push({ type: "text", text: part.text ?? "" });
    else if (part.type === "image") {
      const url = mediaUrl(part.image, part.mediaType ?? "image/png");
      if (url !== undefined) blocks.push({ type: "image_url", image_url: { url } });
    }
  }
  return blocks as MessageContent;
}

/** A URL stays a URL; bytes and base64 become a data URL, the form chat models accept inline. */
function mediaUrl(value: unknown, mediaType: string): string | undefined {
  if (value instanceof URL) return value.href;
  if (typeof value === "string")
    return /^(https?|data):/.test(value) ? value : `data:${mediaType};base64,${value}`;
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    const bytes = value instanceof Uint8Array ? value : new Uint8Array(value);
    return `data:${mediaType};base64,${Buffer.from(bytes).toString("base64")}`;
  }
  return undefined;
}

function assistantMessages(content: string | LoosePart[]): BaseMessage[] {
  if (typeof content === "string") return [new AIMessage({ content, id: newId() })];
  const text = content
    .filter((part) => part.type === "text")
    .map((part) => part.text ?? "")
    .join("");
  const toolCalls = content
    .filter((part) => part.type === "tool-call")
    .map((part) => ({
      id: part.toolCallId ?? "",
      name: part.toolName ?? "",
      args: isRecord(part.input) ? part.input : { input: part.input },
      type: "tool_call" as const,
    }));
  // Results a provider ran itself ride in the assistant message; LangChain wants them as tool messages.
  const results = content.filter((part) => part.type === "tool-result").map(toolMessage);
  return [new AIMessage({ content: text, tool_calls: toolCalls, id: newId() }), ...results];
}

function toolMessage(part: LoosePart): ToolMessage {
  const output = part.output;
  const isError = output?.type === "error-text" || output?.type === "error-json";
  return new ToolMessage({
    id: newId(),
    content: toolOutputText(output),
    tool_call_id: part.toolCallId ?? "",
    ...(part.toolName ? { name: part.toolName } : {}),
    ...(isError ? { status: "error" as const } : {}),
  });
}

/** A tool's output as the text the model reads back. */
function toolOutputText(output: LoosePart["output"]): string {
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Set through the constructor: an id assigned afterwards is lost when a checkpointer saves the message. */
function newId(): string {
  return globalThis.crypto.randomUUID();
}
