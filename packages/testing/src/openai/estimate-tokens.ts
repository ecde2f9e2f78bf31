import type { FakeMessage, FakeReply } from "./fake-openai-types";

// Word runs and single punctuation marks: deterministic, dependency-free, and close enough to a
// real tokenizer's counts for tests that only need stable, plausible numbers.
const TOKEN_PATTERN = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

/**
 * Counts the tokens of a text the way the fake server does: each run of letters, digits and `_`
 * is one token, and so is each other non-space character. `"Hello, world!"` is 4 tokens.
 */
export function estimateTokens(text: string): number {
  return text.match(TOKEN_PATTERN)?.length ?? 0;
}

function toolCallText(name: string, argumentsValue: unknown): string {
  return `${name} ${typeof argumentsValue === "string" ? argumentsValue : JSON.stringify(argumentsValue ?? {})}`;
}

/** Prompt tokens: the tokens of every message's text, tool calls' names and arguments included. */
export function estimatePromptTokens(messages: readonly FakeMessage[]): number {
  let total = 0;
  for (const message of messages) {
    total += estimateTokens(message.content);
    if (message.role === "assistant") {
      for (const toolCall of message.toolCalls) {
        total += estimateTokens(toolCallText(toolCall.name, toolCall.arguments));
      }
    }
  }
  return total;
}

/** Completion tokens: the reply's text plus its tool calls' names and arguments. */
export function estimateCompletionTokens(reply: FakeReply): number {
  let total = estimateTokens(reply.text ?? "");
  for (const toolCall of reply.toolCalls ?? []) {
    total += estimateTokens(toolCallText(toolCall.name, toolCall.arguments));
  }
  return total;
}
