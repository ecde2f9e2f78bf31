import { createOpenAI } from "@ai-sdk/openai";
import { responseMessagesOf, toTokenUsage } from "@scenario/llm";
import { type AgentAdapter, AgentRole } from "@scenario/spec";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@scenario/testing";
import { generateText, type LanguageModel } from "ai";

/** A fake OpenAI server and clients of it, for end-to-end runs of judge, simulator and agent. */
export async function startHarness() {
  const server = await startFakeOpenAIServer();
  const provider = createOpenAI({ apiKey: "sk-harness-secret-key-000111", baseURL: server.baseURL });
  return {
    server,
    /** The model of the judge and the simulator: the Responses API, as `openai(id)` uses by default. */
    model: provider("gpt-judge"),
    /** The agent under test's model: chat completions. */
    agentModel: provider.chat("gpt-agent"),
  };
}

/** An agent under test that asks its model for each reply, as a user's AI SDK agent would. */
export function modelAgent(model: LanguageModel): AgentAdapter {
  return {
    role: AgentRole.AGENT,
    name: "ShopAgent",
    async call(input) {
      const result = await generateText({
        model,
        system: "You are a shop assistant.",
        messages: input.messages,
        maxRetries: 0,
        abortSignal: input.signal,
      });
      input.recordUsage(toTokenUsage(result.usage));
      return responseMessagesOf(result);
    },
  };
}

/** The last user message the judge was sent (its transcript), from a fake-server request. */
export function transcriptOf(messages: Array<{ role: string; content?: unknown }>): string {
  const user = [...messages].reverse().find((message) => message.role === "user");
  return typeof user?.content === "string" ? user.content : "";
}

export type Harness = Awaited<ReturnType<typeof startHarness>> & { server: FakeOpenAIServer };
