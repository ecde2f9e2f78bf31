import { argumentHalves, textPieces, type WireEvent, type WireReply } from "./wire-reply";

function finishReason(reply: WireReply): string {
  return reply.toolCalls.length > 0 ? "tool_calls" : "stop";
}

function usageBody(reply: WireReply) {
  return {
    prompt_tokens: reply.usage.inputTokens,
    completion_tokens: reply.usage.outputTokens,
    total_tokens: reply.usage.totalTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

/** The body of a non-streamed chat completion. */
export function chatCompletionBody(reply: WireReply): Record<string, unknown> {
  return {
    id: reply.id,
    object: "chat.completion",
    created: reply.createdSeconds,
    model: reply.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: reply.text ?? null,
          refusal: null,
          ...(reply.toolCalls.length > 0
            ? {
                tool_calls: reply.toolCalls.map((toolCall) => ({
                  id: toolCall.callId,
                  type: "function",
                  function: { name: toolCall.name, arguments: toolCall.argumentsJson },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: finishReason(reply),
      },
    ],
    usage: usageBody(reply),
  };
}

/**
 * The events of a streamed chat completion: a role chunk, text deltas word by word, each tool
 * call opened with its id and name and its arguments sent in two halves, the finish reason, the
 * usage chunk when `includeUsage` (the client's `stream_options.include_usage`), then `[DONE]`.
 */
export function chatCompletionEvents(reply: WireReply, includeUsage: boolean): WireEvent[] {
  const envelope = {
    id: reply.id,
    object: "chat.completion.chunk",
    created: reply.createdSeconds,
    model: reply.model,
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null, carriesOutput = true) => ({
    data: JSON.stringify({
      ...envelope,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    }),
    carriesOutput,
  });
  // A text reply opens with empty content, a tool-only one with null, as OpenAI does; the client
  // starts a text part on "" but not on null.
  const events: WireEvent[] = [
    chunk({ role: "assistant", content: reply.text === undefined ? null : "" }, null, false),
  ];
  for (const piece of textPieces(reply.text ?? "")) events.push(chunk({ content: piece }));
  reply.toolCalls.forEach((toolCall, index) => {
    events.push(
      chunk({
        tool_calls: [
          { index, id: toolCall.callId, type: "function", function: { name: toolCall.name, arguments: "" } },
        ],
      }),
    );
    for (const part of argumentHalves(toolCall.argumentsJson)) {
      events.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  });
  events.push(chunk({}, finishReason(reply), false));
  if (includeUsage) {
    events.push({
      data: JSON.stringify({ ...envelope, choices: [], usage: usageBody(reply) }),
      carriesOutput: false,
    });
  }
  events.push({ data: "[DONE]", carriesOutput: false });
  return events;
}
