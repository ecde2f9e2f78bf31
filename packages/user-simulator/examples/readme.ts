import { openai } from "@ai-sdk/openai";
import { userSimulatorAgent } from "@scenario/user-simulator";

export const impatientCustomer = userSimulatorAgent({
  model: openai("gpt-4.1-mini"),
  persona: "an impatient customer who types in lowercase and never says please",
  temperature: 0.7,
});
