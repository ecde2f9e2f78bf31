import { openai } from "@ai-sdk/openai";
import { configureScenarioLLM, withScenarioCache } from "@scenario/llm";

// Every judge and user simulator without a model of its own uses this one, with these retries.
configureScenarioLLM({
  defaultModel: openai("gpt-4.1-mini"),
  retry: { maxAttempts: 5, timeoutMs: 30_000 },
  cacheMode: "replay",
});

// Record the agent under test's calls once, then replay them without a request: give the
// scenario the same `cacheKey`.
export const agentModel = withScenarioCache(openai("gpt-4.1"), { cacheKey: "refund-request" });
