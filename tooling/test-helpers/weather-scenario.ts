// The weather scenario the framework adapters (LangGraph, Mastra, OpenAI Agents SDK) each run, in
// process and through the built CLI: one fake agent policy and one set of checks, so the three
// adapters' tests prove the same thing. Each wraps its framework's agent with a `get_weather` tool
// answering "sunny, 22°C in <city>". Types only from @scenario/testing: a bare
// import does not resolve from this folder, and the test files start the fake server themselves.

import { expect } from "vitest";
import type { FakeModelRequest, FakeOpenAIServer, FakeReplyInput } from "../../packages/testing/src/index";
import type { ScenarioCliRun } from "./run-scenario-cli";

/** What the simulated user asks, one line a turn. */
export const WEATHER_QUESTIONS = ["What's the weather in Paris?", "And in Rome?"];

/** The fake agent model: calls `get_weather` for the city the user named, then reports the tool's answer. */
export function weatherAgentReply(request: FakeModelRequest): FakeReplyInput {
  const last = request.messages.at(-1);
  if (last?.role === "tool") return `The weather: ${last.content}`;
  const city = last?.role === "user" && /Rome/.test(last.content) ? "Rome" : "Paris";
  return { toolCalls: [{ name: "get_weather", arguments: { city } }] };
}

/** What a run's result holds of the conversation: AI SDK model messages, loosely typed. */
type RunMessages = ReadonlyArray<unknown>;

/**
 * Checks the first turn of a weather run: the tool call, its result and the answer as AI SDK
 * messages (after the user's line), the call and result sharing an id; then that Rome came later.
 */
export function expectWeatherTranscript(messages: RunMessages): void {
  expect(messages.slice(1, 4)).toEqual([
    {
      role: "assistant",
      content: [
        {
          type: "tool-call",
          toolCallId: expect.any(String),
          toolName: "get_weather",
          input: { city: "Paris" },
        },
      ],
    },
    {
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: expect.any(String),
          toolName: "get_weather",
          output: { type: "text", value: "sunny, 22°C in Paris" },
        },
      ],
    },
    { role: "assistant", content: [{ type: "text", text: "The weather: sunny, 22°C in Paris" }] },
  ]);
  const [call, toolResult] = messages.slice(1, 3) as Array<{ content: Array<{ toolCallId: string }> }>;
  expect(toolResult?.content[0]?.toolCallId).toBe(call?.content[0]?.toolCallId);
  expect(JSON.stringify(messages.slice(5))).toContain("sunny, 22°C in Rome");
}

/**
 * Checks a weather run's cost: two turns, each a tool call and an answer, make four model calls of
 * the agent, and `agentUsage` (the Agent's share in the result) is exactly what the fake counted for
 * them; `apiKey` appears in no request the fake logged.
 */
export function expectWeatherUsage(agentUsage: unknown, server: FakeOpenAIServer, apiKey: string): void {
  const served = server.usage.byRole.agent;
  expect(served?.replies).toBe(4);
  const { costUsd, ...tokens } = (agentUsage ?? {}) as { costUsd?: unknown };
  expect(tokens).toEqual({
    inputTokens: served?.inputTokens,
    outputTokens: served?.outputTokens,
    totalTokens: served?.totalTokens,
  });
  // The weather agents' model, "gpt-agent", is in no price table: its cost is unknown, never made up.
  expect(costUsd).toBeUndefined();
  expect(JSON.stringify(server.requests)).not.toContain(apiKey);
}

/**
 * Checks a CLI run of the weather scenario against the fake server it used: the run passed, the
 * agent's tool ran, its tokens reached the result, and `apiKey` appears nowhere.
 */
export function expectWeatherCliRun(run: ScenarioCliRun, server: FakeOpenAIServer, apiKey: string): void {
  expect(run.code, run.stderr || run.stdout).toBe(0);
  expect(run.stdout).toContain("✓ The agent reports the weather");
  expect(run.finished.map((finished) => finished.status)).toEqual(["SUCCESS"]);
  expectWeatherUsage(run.finished[0]?.usage?.byRole?.Agent, server, apiKey);
  expect(new Set(server.requests.map((entry) => entry.role))).toEqual(
    new Set(["agent", "judge", "user-simulator"]),
  );
  const toolResults = server.requests.flatMap((entry) =>
    entry.role === "agent"
      ? (entry.request?.messages ?? []).filter((message) => message.role === "tool")
      : [],
  );
  expect(toolResults.map((message) => message.content)).toContain("sunny, 22°C in Rome");
  expect(run.stdout + run.stderr).not.toContain(apiKey);
}
