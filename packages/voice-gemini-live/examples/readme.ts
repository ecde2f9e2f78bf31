import { geminiLiveAgent } from "@scenario/voice-gemini-live";

// The agent under test: GEMINI_API_KEY is read from the environment.
export const bankAssistant = geminiLiveAgent({
  systemInstruction: "You are a bank's phone assistant. Be brief.",
  voice: "Kore",
  tools: [
    {
      name: "get_balance",
      description: "The balance of the caller's account.",
      parameters: { type: "OBJECT", properties: { account: { type: "STRING" } } },
      execute: ({ account }) => ({ account, balance: 42, currency: "EUR" }),
    },
  ],
});
