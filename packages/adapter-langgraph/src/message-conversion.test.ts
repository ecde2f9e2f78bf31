import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import type { ModelMessage } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { toLangChainMessages } from "./to-langchain-messages";
import { toModelMessages } from "./to-model-messages";

const conversation = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Weather in Paris?" },
  {
    role: "assistant",
    content: [
      { type: "text", text: "Checking." },
      { type: "tool-call", toolCallId: "call_1", toolName: "get_weather", input: { city: "Paris" } },
    ],
  },
  {
    role: "tool",
    content: [
      {
        type: "tool-result",
        toolCallId: "call_1",
        toolName: "get_weather",
        output: { type: "json", value: { sky: "sunny" } },
      },
    ],
  },
  { role: "assistant", content: [{ type: "text", text: "Sunny." }] },
] as ModelMessage[];

describe("LangChain <-> AI SDK messages", () => {
  it("turns AI SDK messages into LangChain messages with tool calls and tool messages", () => {
    const converted = toLangChainMessages(conversation);
    expect(converted.map((message) => message.type)).toEqual(["system", "human", "ai", "tool", "ai"]);
    expect(converted[2]).toMatchObject({
      content: "Checking.",
      tool_calls: [{ id: "call_1", name: "get_weather", args: { city: "Paris" } }],
    });
    expect(converted[3]).toMatchObject({
      tool_call_id: "call_1",
      name: "get_weather",
      content: '{"sky":"sunny"}',
    });
    // Every message gets its own id, set through the constructor so a checkpointer keeps it.
    const ids = converted.map((message) => message.id);
    expect(new Set(ids).size).toBe(5);
    expect(converted.map((message) => message.toDict().data.id)).toEqual(ids);
  });

  it("turns LangChain messages back into the same AI SDK messages", () => {
    expect(toModelMessages(toLangChainMessages(conversation))).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Weather in Paris?" },
      conversation[2],
      conversation[3],
      conversation[4],
    ]);
  });

  it("names a tool message from the call it answers, keeps text output as text and marks errors", () => {
    const call = new AIMessage({
      content: "",
      tool_calls: [
        { id: "a", name: "lookup", args: {} },
        { id: "b", name: "broken", args: {} },
      ],
    });
    const converted = toModelMessages(
      [
        new ToolMessage({ content: "plain text", tool_call_id: "a" }),
        new ToolMessage({ content: "it failed", tool_call_id: "b", status: "error" }),
      ],
      [new SystemMessage("s"), new HumanMessage("h"), call],
    );
    expect(converted).toEqual([
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "a",
            toolName: "lookup",
            output: { type: "text", value: "plain text" },
          },
          {
            type: "tool-result",
            toolCallId: "b",
            toolName: "broken",
            output: { type: "error-text", value: "it failed" },
          },
        ],
      },
    ]);
  });

  it("reads plain message objects as a graph's state may hold them", () => {
    expect(toModelMessages([{ role: "assistant", content: "hello" }])).toEqual([
      { role: "assistant", content: [{ type: "text", text: "hello" }] },
    ]);
  });
});
