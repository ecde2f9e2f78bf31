import type { ModelMessage } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { renderMessageText, renderTranscript } from "./render-transcript";

const conversation: ModelMessage[] = [
  { role: "system", content: "You are a helpful travel agent. SECRET INSTRUCTIONS" },
  { role: "user", content: "Find me a flight to Paris\non Friday" },
  {
    role: "assistant",
    content: [
      { type: "reasoning", text: "private chain of thought" },
      { type: "text", text: "Let me look." },
      { type: "tool-call", toolCallId: "c1", toolName: "search_flights", input: { to: "CDG", day: "fri" } },
    ],
  },
  {
    role: "tool",
    content: [
      {
        type: "tool-result",
        toolCallId: "c1",
        toolName: "search_flights",
        output: { type: "json", value: [{ flight: "AF123", price: 99 }] },
      },
    ],
  },
  { role: "assistant", content: "AF123 leaves at 9:00 for 99 EUR." },
  {
    role: "user",
    content: [
      { type: "text", text: "Book it" },
      { type: "file", mediaType: "audio/wav", data: "UklGRg==" },
    ],
  },
];

describe("renderTranscript", () => {
  it("renders speakers, tool calls and tool results as readable lines, without system or reasoning", () => {
    expect(renderTranscript(conversation)).toBe(
      [
        "User: Find me a flight to Paris",
        "  on Friday",
        "Agent: Let me look.",
        'Agent called tool search_flights({"to":"CDG","day":"fri"})',
        'Tool search_flights returned: [{"flight":"AF123","price":99}]',
        "Agent: AF123 leaves at 9:00 for 99 EUR.",
        "User: Book it",
      ].join("\n"),
    );
  });

  it("lets a voice turn's transcript stand for its audio, and marks audio that has none", () => {
    const audio = { type: "file" as const, mediaType: "audio/wav", data: "UklGRg==" };
    expect(
      renderTranscript([
        { role: "user", content: [{ type: "text", text: "Hello?" }, audio] },
        { role: "assistant", content: [audio] },
        {
          role: "user",
          content: [
            { type: "file", mediaType: "application/pdf", data: "JVBERi0=", filename: "invoice.pdf" },
          ],
        },
      ]),
    ).toBe(["User: Hello?", "Agent: [audio without a transcript]", "User: [file invoice.pdf]"].join("\n"));
  });

  it("renders error, denied and text outputs and cuts long ones", () => {
    const long = "x".repeat(50);
    const transcript = renderTranscript(
      [
        {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: "1",
              toolName: "a",
              output: { type: "error-text", value: "boom" },
            },
            { type: "tool-result", toolCallId: "2", toolName: "b", output: { type: "execution-denied" } },
            { type: "tool-result", toolCallId: "3", toolName: "c", output: { type: "text", value: long } },
          ],
        },
      ],
      { maxToolTextLength: 20 },
    );
    expect(transcript).toBe(
      [
        "Tool a returned: error: boom",
        "Tool b returned: execution denied",
        `Tool c returned: ${"x".repeat(20)}… (30 more characters)`,
      ].join("\n"),
    );
  });

  it("uses the labels it is given", () => {
    expect(renderTranscript(conversation.slice(1, 2), { userLabel: "Customer" })).toMatch(
      /^Customer: Find me/,
    );
  });
});

describe("renderMessageText", () => {
  it("writes an agent turn as plain text with bracketed tool lines", () => {
    expect(renderMessageText(conversation[2]!)).toBe(
      'Let me look.\n[called tool search_flights({"to":"CDG","day":"fri"})]',
    );
    expect(renderMessageText(conversation[3]!)).toBe(
      '[Tool search_flights returned: [{"flight":"AF123","price":99}]]',
    );
  });
});
