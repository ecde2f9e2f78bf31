import type { FakeModelRequest, FakeReplyInput } from "@scenario/testing";

/** The API key the tests hand the AI SDK; it must never show in an error or an event. */
export const TEST_API_KEY = "sk-test-ai-sdk-adapter-0123456789";

/** A long answer, streamed in many events, so an interrupt lands partway. */
export const LONG_ANSWER = Array.from({ length: 80 }, (_, index) => `word${index}`).join(" ");

/**
 * The agent's model on the fake server: looks an order up with the `lookupOrder` tool when the
 * customer names one, answers from the tool's result, says a long answer when asked to ramble,
 * and echoes anything else.
 */
export function supportBrain(request: FakeModelRequest): FakeReplyInput {
  const last = request.messages.at(-1);
  if (last?.role === "tool") return `Order status: ${last.content}`;
  const text = last?.role === "user" ? last.content : "";
  const order = /order (\d+)/i.exec(text);
  if (order && request.tools.some((tool) => tool.name === "lookupOrder")) {
    return { toolCalls: [{ name: "lookupOrder", arguments: { orderId: order[1] } }] };
  }
  if (text.includes("ramble")) return LONG_ANSWER;
  return `echo: ${text}`;
}
