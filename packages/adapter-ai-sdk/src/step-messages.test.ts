import type { ModelMessage } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { StepMessages } from "./step-messages";

const call: ModelMessage = {
  role: "assistant",
  content: [{ type: "tool-call", toolCallId: "c1", toolName: "lookupOrder", input: { orderId: "1" } }],
};
const result: ModelMessage = {
  role: "tool",
  content: [
    {
      type: "tool-result",
      toolCallId: "c1",
      toolName: "lookupOrder",
      output: { type: "json", value: { status: "shipped" } },
    },
  ],
};
const answer: ModelMessage = { role: "assistant", content: [{ type: "text", text: "It shipped." }] };
// Copies, as AI SDK 7 clones each step's messages.
const copy = (messages: ModelMessage[]) => structuredClone(messages);

describe("StepMessages", () => {
  it("hands out each message once when every step reports all messages so far (AI SDK 6)", () => {
    const steps = new StepMessages();
    steps.add([call, result]);
    expect(steps.take()).toEqual([call, result]);
    steps.add(copy([call, result, answer]));
    expect(steps.take()).toEqual([answer]);
    expect(steps.rest([call, result, answer])).toEqual([]);
  });

  it("hands out each message once when every step reports its own (AI SDK 7)", () => {
    const steps = new StepMessages();
    steps.add(copy([call, result]));
    steps.add(copy([answer]));
    expect(steps.take()).toEqual([call, result, answer]);
    expect(steps.rest([call, result, answer])).toEqual([]);
  });

  it("takes the whole list at the end when no step was reported (an agent object)", () => {
    const steps = new StepMessages();
    expect(steps.take()).toEqual([]);
    expect(steps.rest([call, result, answer])).toEqual([call, result, answer]);
  });

  it("keeps what it handed out when the whole list disagrees with it", () => {
    const steps = new StepMessages();
    steps.add([answer]);
    expect(steps.take()).toEqual([answer]);
    expect(steps.rest([call, result])).toEqual([]);
  });
});
