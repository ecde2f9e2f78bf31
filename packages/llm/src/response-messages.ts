import type { ModelMessage } from "@scenario/spec";

/** The part of a `generateText()` result that holds the messages it produced, in either AI SDK major. */
export interface GenerateTextMessages {
  /** AI SDK 6: every step's messages. AI SDK 7: the last step's only. */
  response: { messages: readonly unknown[] };
  /** AI SDK 7: every step's messages (absent in AI SDK 6). */
  responseMessages?: readonly unknown[];
}

/**
 * Every message a `generateText()` call produced, across all its steps — the assistant's tool
 * calls, the tool results and the final answer — for an agent to return to the conversation.
 * AI SDK 7 keeps them in `result.responseMessages` (its `result.response` is the last step's);
 * AI SDK 6 in `result.response.messages`. This reads whichever the installed `ai` fills, so an
 * agent written with it runs on both majors.
 */
export function responseMessagesOf(result: GenerateTextMessages): ModelMessage[] {
  return [...(result.responseMessages ?? result.response.messages)] as ModelMessage[];
}
