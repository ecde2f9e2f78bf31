import { openAIRealtimeAgent } from "@scenario/voice-openai-realtime";

// The agent under test: OPENAI_API_KEY is read from the environment.
export const bankAssistant = openAIRealtimeAgent({
  model: "gpt-realtime",
  voice: "alloy",
  instructions: "You are a bank's phone assistant. Be brief.",
  tools: [
    {
      name: "get_balance",
      description: "The balance of the caller's account.",
      parameters: { type: "object", properties: { account: { type: "string" } } },
      execute: (input) => ({ ...(input as object), balance: 42, currency: "EUR" }),
    },
  ],
});
