import { argumentHalves, textPieces, type WireEvent, type WireReply, type WireToolCall } from "./wire-reply";

function messageItem(reply: WireReply, text: string, status: "in_progress" | "completed") {
  return {
    type: "message",
    id: reply.messageItemId,
    status,
    role: "assistant",
    content: status === "completed" ? [{ type: "output_text", text, annotations: [], logprobs: [] }] : [],
  };
}

function functionCallItem(
  toolCall: WireToolCall,
  argumentsJson: string,
  status: "in_progress" | "completed",
) {
  return {
    type: "function_call",
    id: toolCall.itemId,
    call_id: toolCall.callId,
    name: toolCall.name,
    arguments: argumentsJson,
    status,
  };
}

/**
 * The output items of a response: the message (when the reply has text) then one
 * `function_call` per tool call. The server keeps them so later `item_reference`s resolve, and
 * passes them to `responseBody()` / `responseEvents()` so they are built once.
 */
export function responseOutputItems(reply: WireReply): Array<Record<string, unknown>> {
  return [
    ...(reply.text !== undefined ? [messageItem(reply, reply.text, "completed")] : []),
    ...reply.toolCalls.map((toolCall) => functionCallItem(toolCall, toolCall.argumentsJson, "completed")),
  ];
}

type OutputItems = ReadonlyArray<Record<string, unknown>>;

function responseObject(reply: WireReply, status: "in_progress" | "completed", output: OutputItems) {
  const completed = status === "completed";
  return {
    id: reply.id,
    object: "response",
    created_at: reply.createdSeconds,
    status,
    model: reply.model,
    output: completed ? output : [],
    error: null,
    incomplete_details: null,
    usage: completed
      ? {
          input_tokens: reply.usage.inputTokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: reply.usage.outputTokens,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: reply.usage.totalTokens,
        }
      : null,
  };
}

/** The body of a non-streamed Responses API answer; `output` is `responseOutputItems(reply)`. */
export function responseBody(reply: WireReply, output: OutputItems): Record<string, unknown> {
  return responseObject(reply, "completed", output);
}

/**
 * The events of a streamed Responses API answer, in the order OpenAI sends them:
 * `response.created`, `response.in_progress`, per output item `response.output_item.added`, its
 * deltas (`response.output_text.delta` word by word, `response.function_call_arguments.delta` in
 * two halves), their `.done` events and `response.output_item.done`, then `response.completed`
 * with the usage and `output` (`responseOutputItems(reply)`).
 */
export function responseEvents(reply: WireReply, output: OutputItems): WireEvent[] {
  const events: WireEvent[] = [];
  const push = (type: string, payload: Record<string, unknown>, carriesOutput = false) => {
    events.push({
      event: type,
      data: JSON.stringify({ type, sequence_number: events.length, ...payload }),
      carriesOutput,
    });
  };
  push("response.created", { response: responseObject(reply, "in_progress", []) });
  push("response.in_progress", { response: responseObject(reply, "in_progress", []) });
  let outputIndex = 0;
  if (reply.text !== undefined) {
    const text = reply.text;
    const itemId = reply.messageItemId;
    const part = { type: "output_text", text: "", annotations: [], logprobs: [] };
    push("response.output_item.added", {
      output_index: outputIndex,
      item: messageItem(reply, text, "in_progress"),
    });
    push("response.content_part.added", {
      item_id: itemId,
      output_index: outputIndex,
      content_index: 0,
      part,
    });
    for (const piece of textPieces(text)) {
      push(
        "response.output_text.delta",
        { item_id: itemId, output_index: outputIndex, content_index: 0, delta: piece, logprobs: [] },
        true,
      );
    }
    push("response.output_text.done", {
      item_id: itemId,
      output_index: outputIndex,
      content_index: 0,
      text,
      logprobs: [],
    });
    push("response.content_part.done", {
      item_id: itemId,
      output_index: outputIndex,
      content_index: 0,
      part: { ...part, text },
    });
    push("response.output_item.done", {
      output_index: outputIndex,
      item: messageItem(reply, text, "completed"),
    });
    outputIndex += 1;
  }
  for (const toolCall of reply.toolCalls) {
    push(
      "response.output_item.added",
      { output_index: outputIndex, item: functionCallItem(toolCall, "", "in_progress") },
      true,
    );
    for (const delta of argumentHalves(toolCall.argumentsJson)) {
      push(
        "response.function_call_arguments.delta",
        { item_id: toolCall.itemId, output_index: outputIndex, delta },
        true,
      );
    }
    push("response.function_call_arguments.done", {
      item_id: toolCall.itemId,
      output_index: outputIndex,
      arguments: toolCall.argumentsJson,
    });
    push("response.output_item.done", {
      output_index: outputIndex,
      item: functionCallItem(toolCall, toolCall.argumentsJson, "completed"),
    });
    outputIndex += 1;
  }
  push("response.completed", { response: responseObject(reply, "completed", output) });
  return events;
}
