import { openai } from "@ai-sdk/openai";
import { judgeAgent } from "@scenario/judge";

export const judge = judgeAgent({
  criteria: ["The agent asks for the order number", "The agent does not promise a refund"],
  model: openai("gpt-4.1"),
  judgeEvery: "end",
});
