import { createOpenAI } from "@ai-sdk/openai";
import { startFakeOpenAIServer } from "@scenario/testing";
import { generateText, jsonSchema, stepCountIs, tool } from "ai";
import { describe, expect, it } from "vitest";
import { responseMessagesOf } from "./response-messages";

describe("responseMessagesOf", () => {
  it("returns every step's messages (tool call, tool result, answer) with the installed AI SDK", async () => {
    let requests = 0;
    const server = await startFakeOpenAIServer({
      reply: () =>
        requests++ === 0
          ? { toolCalls: [{ name: "lookupOrder", arguments: { id: "42" } }] }
          : { text: "It arrives on Friday." },
    });
    try {
      const result = await generateText({
        model: createOpenAI({ baseURL: server.baseURL, apiKey: "test" }).chat("gpt-test"),
        messages: [{ role: "user", content: "Where is order 42?" }],
        tools: {
          lookupOrder: tool({
            description: "Looks an order up",
            inputSchema: jsonSchema<{ id: string }>({
              type: "object",
              properties: { id: { type: "string" } },
            }),
            execute: async () => ({ eta: "Friday" }),
          }),
        },
        stopWhen: stepCountIs(3),
      });
      const messages = responseMessagesOf(result);
      expect(messages.map((message) => message.role)).toEqual(["assistant", "tool", "assistant"]);
      expect(JSON.stringify(messages[1])).toContain("Friday");
      expect(messages.at(-1)?.content).toEqual([{ type: "text", text: "It arrives on Friday." }]);
    } finally {
      await server.close();
    }
  });
});
