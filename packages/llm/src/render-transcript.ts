import type { ModelMessage } from "@scenario/spec";

/** Options of `renderTranscript()`. */
export interface RenderTranscriptOptions {
  /** The label of user lines. @default "User" */
  userLabel?: string | undefined;
  /** The label of agent lines (assistant text, tool calls and tool results). @default "Agent" */
  agentLabel?: string | undefined;
  /** Tool inputs and outputs longer than this are cut, saying how much was left out. @default 4000 */
  maxToolTextLength?: number | undefined;
}

const DEFAULT_MAX_TOOL_TEXT = 4000;

/**
 * Renders a conversation as a compact, readable transcript for an LLM to read: one labelled line
 * per message part (`User: …`, `Agent: …`, `Agent called tool lookup({"id":1})`,
 * `Tool lookup returned: …`), continuation lines indented. System messages and model reasoning are
 * left out: they are not part of what the user and the agent said to each other.
 */
export function renderTranscript(
  messages: readonly ModelMessage[],
  options: RenderTranscriptOptions = {},
): string {
  const userLabel = options.userLabel ?? "User";
  const agentLabel = options.agentLabel ?? "Agent";
  const lines: string[] = [];
  for (const message of messages) {
    for (const entry of renderParts(message, options.maxToolTextLength ?? DEFAULT_MAX_TOOL_TEXT)) {
      const label = message.role === "user" ? userLabel : agentLabel;
      const line =
        entry.kind === "said"
          ? `${label}: ${entry.text}`
          : entry.kind === "tool-call"
            ? `${agentLabel} ${entry.text}`
            : entry.text;
      lines.push(indentContinuation(line));
    }
  }
  return lines.join("\n");
}

/**
 * The text of one message without a speaker label: what was said, with tool calls and results as
 * bracketed lines (`[called tool lookup({"id":1})]`). For showing an agent's turn to the user
 * simulator as plain text.
 */
export function renderMessageText(message: ModelMessage, maxToolTextLength = DEFAULT_MAX_TOOL_TEXT): string {
  return renderParts(message, maxToolTextLength)
    .map((entry) => (entry.kind === "said" ? entry.text : `[${entry.text}]`))
    .join("\n");
}

type RenderedPart = { kind: "said" | "tool-call" | "tool-result"; text: string };

function renderParts(message: ModelMessage, maxToolTextLength: number): RenderedPart[] {
  if (message.role === "system") return [];
  if (typeof message.content === "string") {
    return message.content.trim() === "" ? [] : [{ kind: "said", text: message.content }];
  }
  const parts: RenderedPart[] = [];
  // A voice turn carries its words as a text part beside the audio: the words stand for it.
  const hasText = message.content.some((part) => part.type === "text" && part.text.trim() !== "");
  for (const part of message.content) {
    switch (part.type) {
      case "text":
        if (part.text.trim() !== "") parts.push({ kind: "said", text: part.text });
        break;
      case "image":
        parts.push({ kind: "said", text: `[image${part.mediaType ? ` ${part.mediaType}` : ""}]` });
        break;
      case "file":
        if (part.mediaType.startsWith("audio/")) {
          if (!hasText) parts.push({ kind: "said", text: "[audio without a transcript]" });
          break;
        }
        parts.push({ kind: "said", text: `[file ${part.filename ?? part.mediaType}]` });
        break;
      case "tool-call":
        parts.push({
          kind: "tool-call",
          text: `called tool ${part.toolName}(${limit(toJson(part.input), maxToolTextLength)})`,
        });
        break;
      case "tool-result":
        parts.push({
          kind: "tool-result",
          text: `Tool ${part.toolName} returned: ${limit(renderToolOutput(part.output), maxToolTextLength)}`,
        });
        break;
      case "tool-approval-request":
        parts.push({ kind: "tool-call", text: `asked approval to run tool call ${part.toolCallId}` });
        break;
      case "tool-approval-response":
        parts.push({
          kind: "tool-result",
          text: `Tool call approval ${part.approved ? "granted" : "denied"}${part.reason ? `: ${part.reason}` : ""}`,
        });
        break;
      default:
        // Reasoning is the model's private scratch work, not part of the conversation.
        break;
    }
  }
  return parts;
}

// Typed loosely: AI SDK 6 and 7 declare different content items, and this reads both.
interface AnyToolOutput {
  type: string;
  value?: unknown;
  reason?: string;
}

function renderToolOutput(output: AnyToolOutput): string {
  switch (output.type) {
    case "text":
      return String(output.value);
    case "json":
      return toJson(output.value);
    case "error-text":
      return `error: ${String(output.value)}`;
    case "error-json":
      return `error: ${toJson(output.value)}`;
    case "execution-denied":
      return `execution denied${output.reason ? `: ${output.reason}` : ""}`;
    case "content":
      if (!Array.isArray(output.value)) return toJson(output.value);
      return (output.value as Array<{ type: string; text?: string; mediaType?: string }>)
        .map((item) => (item.type === "text" ? (item.text ?? "") : `[${item.mediaType ?? item.type}]`))
        .join(" ");
    default:
      return toJson(output);
  }
}

function toJson(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function limit(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  return `${text.slice(0, maxLength)}… (${text.length - maxLength} more characters)`;
}

function indentContinuation(text: string): string {
  return text.replace(/\r?\n/g, "\n  ");
}
