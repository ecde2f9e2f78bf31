// An instant, in-process model for the "ms per model call" row: the AI SDK's own
// MockLanguageModelV3 answering from cpu-replies.mjs, so what is measured is each framework's
// overhead around generateText, not a network or a server.
import { MockLanguageModelV3 } from "ai/test";
import { replyTo } from "./cpu-replies.mjs";

const usage = {
  inputTokens: { total: 100, noCache: 100, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 20, text: 20, reasoning: 0 },
};

/** Counts the calls of every model made here. */
export const calls = { count: 0 };

/**
 * A mock model named `modelId` that answers like the fake server does.
 * @param {string} modelId
 */
export function instantModel(modelId) {
  let toolCallNumber = 0;
  return new MockLanguageModelV3({
    modelId,
    doGenerate: async (options) => {
      calls.count++;
      const tools = (options.tools ?? [])
        .filter((tool) => tool.type === "function")
        .map((tool) => ({ name: tool.name, parameters: tool.inputSchema }));
      const forcedTool = options.toolChoice?.type === "tool" ? options.toolChoice.toolName : undefined;
      const reply = replyTo({ tools, forcedTool, model: modelId });
      if ("text" in reply) {
        return {
          content: [{ type: "text", text: reply.text }],
          finishReason: { unified: "stop", raw: "stop" },
          usage,
          warnings: [],
        };
      }
      return {
        content: [
          {
            type: "tool-call",
            toolCallId: `call_${++toolCallNumber}`,
            toolName: reply.toolCall.name,
            input: JSON.stringify(reply.toolCall.arguments),
          },
        ],
        finishReason: { unified: "tool-calls", raw: "tool_calls" },
        usage,
        warnings: [],
      };
    },
  });
}
