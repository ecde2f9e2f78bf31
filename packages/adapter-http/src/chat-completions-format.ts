import type { ModelMessage, TokenUsage } from "@scenario/spec";

/** A message of the chat completions wire format. */
export type ChatCompletionsMessage =
  | { role: "system" | "user"; content: string }
  | {
      role: "assistant";
      content: string | null;
      tool_calls?: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }>;
    }
  | { role: "tool"; tool_call_id: string; content: string };

/** The usage block of a chat completion. */
interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number };
}

type Part = {
  type: string;
  text?: string;
  toolCallId?: string;
  toolName?: string;
  input?: unknown;
  output?: unknown;
};

function partsOf(content: unknown): Part[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return Array.isArray(content) ? (content as Part[]) : [];
}

function textOf(parts: Part[]): string {
  return parts
    .filter((part) => part.type === "text" && typeof part.text === "string")
    .map((part) => part.text)
    .join("");
}

/** A tool result's output as the text a chat completions `tool` message carries. */
function outputText(output: unknown): string {
  if (output === null || typeof output !== "object") return JSON.stringify(output ?? null);
  const { type, value } = output as { type?: string; value?: unknown };
  if ((type === "text" || type === "error-text") && typeof value === "string") return value;
  if (type === "json" || type === "error-json" || type === "content") return JSON.stringify(value);
  if (type === "execution-denied") return "The tool call was denied.";
  return JSON.stringify(output);
}

/** Converts Scenario's messages to the chat completions wire format (text, tool calls, tool results). */
export function toChatCompletionsMessages(messages: readonly ModelMessage[]): ChatCompletionsMessage[] {
  return messages.flatMap((message): ChatCompletionsMessage[] => {
    const parts = partsOf(message.content);
    switch (message.role) {
      case "system":
      case "user":
        return [{ role: message.role, content: textOf(parts) }];
      case "assistant": {
        const toolCalls = parts
          .filter((part) => part.type === "tool-call")
          .map((part) => ({
            id: String(part.toolCallId),
            type: "function" as const,
            function: {
              name: String(part.toolName),
              arguments: typeof part.input === "string" ? part.input : JSON.stringify(part.input ?? {}),
            },
          }));
        const text = textOf(parts);
        return [
          {
            role: "assistant",
            content: text === "" && toolCalls.length > 0 ? null : text,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          },
        ];
      }
      case "tool":
        return parts
          .filter((part) => part.type === "tool-result")
          .map((part) => ({
            role: "tool",
            tool_call_id: String(part.toolCallId),
            content: outputText(part.output),
          }));
      default:
        return [];
    }
  });
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text === "" ? "{}" : text);
  } catch {
    return text;
  }
}

/** An assistant message from the reply's text and tool calls; none when both are empty. */
export function assistantMessage(
  text: string,
  toolCalls: ReadonlyArray<{ id: string; name: string; arguments: string }>,
): ModelMessage[] {
  if (toolCalls.length === 0) return text === "" ? [] : [{ role: "assistant", content: text }];
  return [
    {
      role: "assistant",
      content: [
        ...(text === "" ? [] : [{ type: "text" as const, text }]),
        ...toolCalls.map((call) => ({
          type: "tool-call" as const,
          toolCallId: call.id,
          toolName: call.name,
          input: parseArguments(call.arguments),
        })),
      ],
    },
  ];
}

/** Converts a chat completions `usage` block to Scenario's `TokenUsage`. */
export function chatUsage(usage: ChatUsage | null | undefined): TokenUsage | undefined {
  if (!usage || (usage.prompt_tokens === undefined && usage.completion_tokens === undefined))
    return undefined;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    totalTokens: usage.total_tokens ?? (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0),
    ...(cached === undefined ? {} : { cachedInputTokens: cached }),
  };
}

// The completion's `model` lets the run price the agent's call (result.usage.costUsd).
function withModel(usage: TokenUsage | undefined, model: unknown): TokenUsage | undefined {
  return usage && typeof model === "string" && model !== "" ? { ...usage, modelId: model } : usage;
}

/** Reads a (non-streamed) chat completion: the first choice's message, and the usage. */
export function readChatCompletion(body: unknown): { messages: ModelMessage[]; usage?: TokenUsage } {
  const completion = body as {
    choices?: Array<{
      message?: {
        content?: string | null;
        tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: string } }>;
      };
    }>;
    usage?: ChatUsage;
    model?: string;
  };
  const message = completion?.choices?.[0]?.message;
  if (!message) throw new Error("the chat completion has no `choices[0].message`");
  const toolCalls = (message.tool_calls ?? []).map((call, index) => ({
    id: call.id ?? `call_${index}`,
    name: call.function?.name ?? "",
    arguments: call.function?.arguments ?? "",
  }));
  const usage = withModel(chatUsage(completion.usage), completion.model);
  return { messages: assistantMessage(message.content ?? "", toolCalls), ...(usage ? { usage } : {}) };
}

/**
 * Collects a streamed chat completion chunk by chunk: the text, the tool calls assembled from
 * their fragments (by index), and the usage of the final chunk.
 */
export class ChatCompletionStream {
  text = "";
  usage: TokenUsage | undefined;
  private readonly toolCalls: Array<{ id: string; name: string; arguments: string }> = [];

  /** Applies one chunk; returns the text it added. */
  apply(chunk: unknown): string {
    const data = chunk as {
      choices?: Array<{
        delta?: {
          content?: string | null;
          tool_calls?: Array<{
            index?: number;
            id?: string;
            function?: { name?: string; arguments?: string };
          }>;
        };
      }>;
      usage?: ChatUsage | null;
      model?: string;
    };
    this.usage = withModel(chatUsage(data.usage), data.model) ?? this.usage;
    const delta = data.choices?.[0]?.delta;
    for (const fragment of delta?.tool_calls ?? []) {
      const index = fragment.index ?? this.toolCalls.length;
      const call = this.toolCalls[index] ?? { id: `call_${index}`, name: "", arguments: "" };
      this.toolCalls[index] = call;
      if (fragment.id) call.id = fragment.id;
      if (fragment.function?.name) call.name += fragment.function.name;
      if (fragment.function?.arguments) call.arguments += fragment.function.arguments;
    }
    const text = delta?.content ?? "";
    this.text += text;
    return text;
  }

  /** The reply so far as messages. */
  messages(): ModelMessage[] {
    return assistantMessage(this.text, this.toolCalls.filter(Boolean));
  }
}
