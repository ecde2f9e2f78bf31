import { openai } from "@ai-sdk/openai";
import { aiSdkAgent } from "@scenario/adapter-ai-sdk";
import { tool } from "ai";
import { z } from "zod";

const lookupOrder = tool({
  description: "Look up an order by its number.",
  inputSchema: z.object({ orderId: z.string() }),
  execute: async ({ orderId }) => ({ orderId, status: "shipped" }),
});

// generateText() settings: the adapter adds the conversation and the abort signal on each turn.
export const supportAgent = aiSdkAgent({
  model: openai("gpt-4.1-mini"),
  system: "You are the shop's support agent.",
  tools: { lookupOrder },
  stopWhen: ({ steps }) => steps.length >= 5,
});
