import type { ModelMessage } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { toAgentInputItems } from "./to-agent-input-items";

describe("toAgentInputItems", () => {
  it("maps the conversation to the Agents SDK's input items, tool calls and results included", () => {
    const conversation = [
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "Weather?" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "thinking" },
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
            output: { type: "text", value: "sunny" },
          },
        ],
      },
      { role: "assistant", content: "Sunny." },
    ] as ModelMessage[];

    expect(toAgentInputItems(conversation)).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "input_text", text: "Weather?" }] },
      {
        type: "function_call",
        callId: "call_1",
        name: "get_weather",
        status: "completed",
        arguments: '{"city":"Paris"}',
      },
      {
        type: "function_call_result",
        callId: "call_1",
        name: "get_weather",
        status: "completed",
        output: "sunny",
      },
      { role: "assistant", status: "completed", content: [{ type: "output_text", text: "Sunny." }] },
    ]);
  });

  it("sends JSON tool output as JSON text and images as data URLs", () => {
    const items = toAgentInputItems([
      { role: "user", content: [{ type: "image", image: "aGVsbG8=", mediaType: "image/png" }] },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "c", toolName: "t", output: { type: "json", value: { a: 1 } } },
        ],
      },
    ] as ModelMessage[]);
    expect(items).toEqual([
      { role: "user", content: [{ type: "input_image", image: "data:image/png;base64,aGVsbG8=" }] },
      { type: "function_call_result", callId: "c", name: "t", status: "completed", output: '{"a":1}' },
    ]);
  });
});
