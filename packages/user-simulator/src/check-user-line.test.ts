import type { ModelMessage } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { checkUserLine } from "./check-user-line";
import { buildSimulatorPrompt, FOLLOW_UP_REQUEST, OPENING_REQUEST } from "./simulator-prompt";

describe("checkUserLine", () => {
  it("keeps an ordinary user line as it is", () => {
    expect(checkUserLine("  my order never arrived, can you check?  ")).toEqual({
      ok: true,
      line: "my order never arrived, can you check?",
    });
  });

  it("strips a speaker prefix and quotes around the whole line", () => {
    expect(checkUserLine("User: where is my parcel")).toEqual({ ok: true, line: "where is my parcel" });
    expect(checkUserLine('**Customer:** "where is my parcel"')).toEqual({
      ok: true,
      line: "where is my parcel",
    });
    expect(checkUserLine("“hello there”")).toEqual({ ok: true, line: "hello there" });
    expect(checkUserLine('I said "hi" twice')).toEqual({ ok: true, line: 'I said "hi" twice' });
  });

  it("rejects empty replies", () => {
    expect(checkUserLine("   ")).toEqual({ ok: false, problem: "it was empty" });
    expect(checkUserLine("User:")).toEqual({ ok: false, problem: "it was empty" });
  });

  it("rejects replies that slip into the assistant's part", () => {
    for (const reply of [
      "Assistant: Sure, I can help with that.",
      "As an AI, I cannot have orders.",
      "Hello! How can I help you today?",
      "I'm an AI assistant.",
    ]) {
      expect(checkUserLine(reply)).toMatchObject({ ok: false, problem: expect.stringMatching(/assistant/) });
    }
  });

  it("rejects replies that leak the simulator's reasoning", () => {
    for (const reply of [
      "<thinking>The user should be annoyed</thinking> where is it??",
      "(As the user, I would now ask about the refund.) Refund please",
      "As the user, I want to ask about my refund.",
      "Reasoning: the agent dodged the question.",
    ]) {
      expect(checkUserLine(reply)).toMatchObject({ ok: false, problem: expect.stringMatching(/reasoning/) });
    }
  });
});

describe("buildSimulatorPrompt", () => {
  const base = { instructions: "Play the user.", description: "A customer wants a refund." };

  it("asks for the opening line when the conversation is empty", () => {
    const prompt = buildSimulatorPrompt({ ...base, messages: [] });
    expect(prompt.messages).toEqual([{ role: "user", content: OPENING_REQUEST }]);
    expect(prompt.system).toBe("Play the user.\n\n<scenario>\nA customer wants a refund.\n</scenario>");
  });

  it("flips the roles, writes the agent's tool use as text and joins one side's messages", () => {
    const messages: ModelMessage[] = [
      { role: "system", content: "agent's own system prompt" },
      { role: "user", content: "refund please" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool-call", toolCallId: "1", toolName: "find_order", input: { id: 7 } },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "1",
            toolName: "find_order",
            output: { type: "text", value: "paid" },
          },
        ],
      },
      { role: "assistant", content: "Your order is paid; refund issued." },
    ];
    const prompt = buildSimulatorPrompt({ ...base, persona: "  terse and grumpy ", messages });
    expect(prompt.system).toContain("<persona>\nterse and grumpy\n</persona>");
    expect(prompt.messages).toEqual([
      { role: "assistant", content: "refund please" },
      {
        role: "user",
        content:
          'Checking.\n[called tool find_order({"id":7})]\n[Tool find_order returned: paid]\nYour order is paid; refund issued.',
      },
    ]);
  });

  it("asks for a follow-up when the user spoke last, and carries a correction", () => {
    const prompt = buildSimulatorPrompt({
      ...base,
      messages: [{ role: "user", content: "hello?" }],
      correction: "it was empty.",
    });
    expect(prompt.messages).toEqual([
      { role: "assistant", content: "hello?" },
      {
        role: "user",
        content: `${FOLLOW_UP_REQUEST}\n\n(Your previous reply could not be used: it was empty.)`,
      },
    ]);
  });
});
