// Text scenarios written for @langwatch/scenario's TypeScript API, run through the kit. The only
// change from the original library is the import path: `@langwatch/scenario` -> `@scenario/kit`.
// The models point at the fake OpenAI-compatible server instead of OpenAI.

import { createOpenAI } from "@ai-sdk/openai";
import scenario, {
  type AgentAdapter,
  type AgentInput,
  type AgentReturnTypes,
  AgentRole,
  JudgeAgentAdapter,
  type ScenarioResult,
} from "@scenario/kit";
import {
  type FakeOpenAIServer,
  type FakeReplyFunction,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { generateText, stepCountIs, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

let server: FakeOpenAIServer;
let openai: ReturnType<typeof createOpenAI>;

// The weather agent's model: a tool call first, then an answer built from the tool result.
const weatherModel: FakeReplyFunction = (request) => {
  const toolResult = request.messages.find((message) => message.role === "tool");
  if (!toolResult) return { toolCalls: [{ name: "get_current_weather", arguments: { city: "Paris" } }] };
  return `The weather in Paris: ${toolResult.content}`;
};

beforeAll(async () => {
  server = await startFakeOpenAIServer({
    reply: scenarioBehaviour({
      agent: weatherModel,
      userSimulator: userSimulatorPersona(() => "What's the weather like in Paris today?"),
      judge: judgeBehaviour(),
    }),
  });
  openai = createOpenAI({ baseURL: server.baseURL, apiKey: "test-key" });
});

afterAll(async () => {
  await server.close();
});

describe("a @langwatch/scenario test, with only the import changed", () => {
  it("runs a weather agent with a tool, a simulated user, an assertion and a judge", async () => {
    const weatherAgent: AgentAdapter = {
      role: AgentRole.AGENT,
      call: async (input) => {
        const response = await generateText({
          model: openai("gpt-4.1-mini"),
          system: "You are a helpful weather assistant.",
          messages: input.messages,
          tools: {
            get_current_weather: tool({
              description: "Get the current weather in a city",
              inputSchema: z.object({ city: z.string() }),
              execute: async ({ city }: { city: string }) => `sunny, 22°C in ${city}`,
            }),
          },
          stopWhen: stepCountIs(3),
        });
        // Every step's messages, on AI SDK 6 (response.messages) and 7 (responseMessages) alike.
        return (
          (response as { responseMessages?: typeof response.response.messages }).responseMessages ??
          response.response.messages
        );
      },
    };

    const result = await scenario.run({
      name: "checking the weather",
      description: "The user asks for the weather in Paris. The agent must use the weather tool.",
      setId: "compat",
      agents: [
        weatherAgent,
        scenario.userSimulatorAgent({ model: openai("gpt-4.1-mini") }),
        scenario.judgeAgent({
          model: openai("gpt-4.1-mini"),
          criteria: ["The agent uses the weather tool", "The agent tells the user the weather"],
        }),
      ],
      script: [
        scenario.user(),
        scenario.agent(),
        (state) => {
          expect(state.hasToolCall("get_current_weather")).toBe(true);
        },
        scenario.judge(),
      ],
    });

    expect(result.success).toBe(true);
    expect(result.metCriteria).toEqual([
      "The agent uses the weather tool",
      "The agent tells the user the weather",
    ]);
    expect(result.unmetCriteria).toEqual([]);
    expect(typeof result.runId).toBe("string");
    expect(typeof result.reasoning).toBe("string");
    expect(result.totalTime).toBeGreaterThanOrEqual(0);
    expect(result.agentTime).toBeGreaterThanOrEqual(0);
    expect(result.messages[0]).toEqual({ role: "user", content: "What's the weather like in Paris today?" });
    expect(result.messages.at(-1)).toMatchObject({ role: "assistant" });
    expect(JSON.stringify(result.messages)).toContain("sunny, 22°C in Paris");
  });

  it("runs a class-based adapter with proceed() and succeed()", async () => {
    class EchoAgent extends scenario.AgentAdapter {
      role = AgentRole.AGENT;

      async call(input: AgentInput): Promise<AgentReturnTypes> {
        const last = input.messages.at(-1);
        return `You said: ${typeof last?.content === "string" ? last.content : ""}`;
      }
    }

    const turns: number[] = [];
    const result: ScenarioResult = await scenario.run({
      name: "echo",
      description: "The user talks to an echo agent.",
      maxTurns: 5,
      agents: [new EchoAgent(), scenario.userSimulatorAgent({ model: openai("gpt-4.1-mini") })],
      script: [
        scenario.proceed(2, (state) => {
          turns.push(state.currentTurn);
        }),
        scenario.succeed("the conversation went on for two turns"),
      ],
    });

    expect(result.success).toBe(true);
    expect(result.reasoning).toBe("the conversation went on for two turns");
    expect(result.messages.filter((message) => message.role === "assistant")).toHaveLength(2);
    expect(result.messages[1]).toEqual({
      role: "assistant",
      content: "You said: What's the weather like in Paris today?",
    });
    expect(turns.length).toBeGreaterThan(0);
  });

  it("runs a custom judge class, scripted messages and fail()", async () => {
    class KeywordJudge extends JudgeAgentAdapter {
      criteria = ["The agent says hello"];

      async call(input: AgentInput): Promise<AgentReturnTypes> {
        if (!input.judgmentRequest) return null;
        const said = input.messages.some(
          (message) => message.role === "assistant" && JSON.stringify(message.content).includes("hello"),
        );
        return {
          success: said,
          reasoning: said ? "it said hello" : "no hello",
          metCriteria: said ? this.criteria : [],
          unmetCriteria: said ? [] : this.criteria,
        };
      }
    }

    const agent: AgentAdapter = { role: AgentRole.AGENT, call: async () => "hello there" };
    const judged = await scenario.run({
      name: "custom judge",
      description: "A scripted exchange checked by a custom judge.",
      agents: [agent, new KeywordJudge()],
      script: [scenario.message({ role: "user", content: "hi" }), scenario.agent(), scenario.judge()],
    });
    expect(judged.success).toBe(true);
    expect(judged.metCriteria).toEqual(["The agent says hello"]);

    const failed = await scenario.run({
      name: "fails",
      description: "A script that fails on purpose.",
      agents: [agent],
      script: [scenario.user("hi"), scenario.agent("scripted reply"), scenario.fail("not good enough")],
    });
    expect(failed.success).toBe(false);
    expect(failed.reasoning).toBe("not good enough");
    expect(failed.messages).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: "scripted reply" },
    ]);
  });

  it("runs a JudgeAgent subclass, a UserSimulatorAgent built with new, and voiceAgent()", async () => {
    const judgeReturns: string[] = [];
    class RecordingJudge extends scenario.JudgeAgent {
      override async call(input: AgentInput) {
        const result = await super.call(input);
        judgeReturns.push(result === null ? "continue" : "verdict");
        return result;
      }
    }
    const agent: AgentAdapter = { role: AgentRole.AGENT, call: async () => "It is sunny in Paris." };

    const result = await scenario.run({
      name: "classes",
      description: "The user asks for the weather in Paris.",
      agents: [
        agent,
        new scenario.UserSimulatorAgent({ model: openai("gpt-4.1-mini") }),
        new RecordingJudge({
          model: openai("gpt-4.1-mini"),
          criteria: ["The agent tells the user the weather"],
        }),
      ],
      script: [
        scenario.user(),
        scenario.voiceAgent({ wait: false }),
        scenario.voiceAgent({ content: "Anything else?" }),
        scenario.judge(),
      ],
    });

    expect(result.success).toBe(true);
    expect(result.metCriteria).toEqual(["The agent tells the user the weather"]);
    expect(judgeReturns.at(-1)).toBe("verdict");
    expect(result.messages).toEqual([
      { role: "user", content: "What's the weather like in Paris today?" },
      { role: "assistant", content: "It is sunny in Paris." },
      { role: "assistant", content: "Anything else?" },
    ]);
  });

  it("exposes the same default-export members as @langwatch/scenario for text scenarios", () => {
    for (const member of [
      "run",
      "user",
      "agent",
      "judge",
      "proceed",
      "succeed",
      "fail",
      "message",
      "userSimulatorAgent",
      "judgeAgent",
      "AgentAdapter",
      "AgentRole",
      "JudgeAgentAdapter",
      "UserSimulatorAgentAdapter",
      "defineConfig",
      "allAgentRoles",
      "DEFAULT_MAX_TURNS",
      "DEFAULT_VERBOSE",
      "ScenarioExecution",
      "ScenarioExecutionState",
    ] as const) {
      expect(scenario[member], member).toBeDefined();
    }
    expect(scenario.AgentRole).toMatchObject({ USER: "User", AGENT: "Agent", JUDGE: "Judge" });
    expect(scenario.DEFAULT_MAX_TURNS).toBe(10);
    expect(scenario.allAgentRoles).toEqual(["User", "Agent", "Judge"]);
  });
});
