import { elevenLabsAgent } from "@scenario/voice-elevenlabs";

// The agent under test: ELEVENLABS_API_KEY is read from the environment.
export const bankAgent = elevenLabsAgent({
  agentId: "agent_0123",
  dynamicVariables: { customer_name: "Ada" },
  overrides: { agent: { first_message: "Hi Ada, how can I help?" } },
  clientTools: { get_balance: async ({ account }) => ({ balance: 42, account }) },
});
