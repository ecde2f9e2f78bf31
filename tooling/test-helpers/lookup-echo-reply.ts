// The fake model behind the adapters' conformance suites (LangGraph, Mastra, OpenAI Agents SDK):
// one policy, so the three suites drive their frameworks through the same conversation.

import type { FakeModelRequest, FakeReplyInput } from "../../packages/testing/src/index";

/**
 * Calls the `lookup` tool (with key "a") when tools are offered and the user just spoke, answers
 * `found <result>` after a tool result, and otherwise echoes the last message as `You said: …`.
 */
export function lookupEchoReply(request: FakeModelRequest): FakeReplyInput {
  const last = request.messages.at(-1);
  if (request.tools.length > 0 && last?.role === "user") {
    return { toolCalls: [{ name: "lookup", arguments: { key: "a" } }] };
  }
  if (last?.role === "tool") return `found ${last.content}`;
  return `You said: ${last?.content ?? ""}`;
}
