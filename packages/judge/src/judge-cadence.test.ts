import { createOpenAI } from "@ai-sdk/openai";
import { run } from "@scenario/core";
import { agent, judge, user } from "@scenario/script";
import { type AgentAdapter, AgentRole, type ScenarioConfig } from "@scenario/spec";
import {
  type FakeJudgeDecision,
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { userSimulatorAgent } from "@scenario/user-simulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type JudgeAgentOptions, judgeAgent } from "./judge-agent";

// When the judge is asked during a whole run through core: the turn of each judgement is read
// from its transcript (the number of agent lines in it), so the assertions are counts and order.
const CRITERIA = ["The agent confirms the refund"];
const SETTLES = "Done: the refund is confirmed.";
const REFUSES = "We never refund kettles.";

let server: FakeOpenAIServer;
let model: ReturnType<ReturnType<typeof createOpenAI>>;
beforeAll(async () => {
  server = await startFakeOpenAIServer();
  model = createOpenAI({ apiKey: "test-key", baseURL: server.baseURL })("gpt-test");
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.reset();
});

const transcriptOf = (messages: Array<{ role: string; content: string }>) =>
  messages.find((message) => message.role === "user")?.content ?? "";

/**
 * The agent says `line(turn)` at each turn (1-based); the judge continues until the transcript
 * shows the refund confirmed (met) or refused (unmet); a forced verdict before that is inconclusive.
 */
function behave(line: (turn: number) => string) {
  const decide = ({
    messages,
  }: {
    messages: Array<{ role: string; content: string }>;
  }): FakeJudgeDecision => {
    const transcript = transcriptOf(messages);
    if (transcript.includes(SETTLES)) return { defaultVerdict: "met" };
    if (transcript.includes(REFUSES)) return { defaultVerdict: "unmet" };
    return "continue";
  };
  server.setReply(
    scenarioBehaviour({
      agent: (request) => line(request.messages.filter((message) => message.role === "assistant").length + 1),
      userSimulator: userSimulatorPersona(() => "Any news on my refund?"),
      judge: judgeBehaviour({ decide }),
    }),
  );
}

const shopAgent: AgentAdapter = {
  role: AgentRole.AGENT,
  name: "ShopAgent",
  async call(input) {
    const { generateText } = await import("ai");
    const result = await generateText({ model, messages: input.messages, maxRetries: 0 });
    return result.text;
  },
};

function scenario(judgeOptions: Partial<JudgeAgentOptions> = {}, overrides: Partial<ScenarioConfig> = {}) {
  return {
    name: "refund",
    description: "A customer waits for a refund.",
    agents: [
      shopAgent,
      userSimulatorAgent({ model }),
      judgeAgent({ criteria: CRITERIA, model, ...judgeOptions }),
    ],
    maxTurns: 10,
    ...overrides,
  } satisfies ScenarioConfig;
}

/** The turn of each judgement (agent lines in its transcript) and whether it was forced. */
const judgements = () =>
  server.requests
    .filter((entry) => entry.role === "judge")
    .map((entry) => ({
      turn:
        transcriptOf(entry.request!.messages as Array<{ role: string; content: string }>).split("\nAgent: ")
          .length - 1,
      forced: typeof entry.request!.toolChoice === "object",
    }));
const agentCalls = () => server.requests.filter((entry) => entry.role === "agent").length;

describe("judgeAgent's cadence in a whole run", () => {
  it("asks by default after turns 1, 2 and 4, then for the required verdict at the last turn", async () => {
    behave(() => "Still checking.");
    const result = await run(scenario());
    expect(judgements()).toEqual([
      { turn: 1, forced: false },
      { turn: 2, forced: false },
      { turn: 4, forced: false },
      { turn: 10, forced: true },
    ]);
    expect(agentCalls()).toBe(10);
    expect(result.success).toBe(false);
    expect(result.criteria?.[0]?.verdict).toBe("inconclusive");
  });

  it("asks after every turn with judgeEvery: 'turn', as @langwatch/scenario does", async () => {
    behave(() => "Still checking.");
    await run(scenario({ judgeEvery: "turn" }));
    expect(judgements().map((judgement) => judgement.turn)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(judgements().filter((judgement) => judgement.forced)).toHaveLength(1);
  });

  it("still ends early when the criteria are met, at the next judgement after they are", async () => {
    behave((turn) => (turn === 3 ? SETTLES : "Still checking."));
    const result = await run(scenario());
    expect(result.success).toBe(true);
    expect(judgements().map((judgement) => judgement.turn)).toEqual([1, 2, 4]);
    expect(agentCalls()).toBe(4);
    expect(result.messages.filter((message) => message.role === "assistant")).toHaveLength(4);
  });

  it("still ends early, failing, when a criterion is clearly unmet", async () => {
    behave((turn) => (turn === 2 ? REFUSES : "Still checking."));
    const result = await run(scenario());
    expect(result.success).toBe(false);
    expect(result.unmetCriteria).toEqual(CRITERIA);
    expect(judgements().map((judgement) => judgement.turn)).toEqual([1, 2]);
    expect(agentCalls()).toBe(2);
  });

  it("leaves out the check that falls close to the last turn, and starts at minTurns", async () => {
    behave(() => "Still checking.");
    await run(scenario({ minTurns: 3 }, { maxTurns: 11 }));
    // 3 (minTurns), 4; 8 is left out (3 turns before the last, fewer than half of 8); 11 is required.
    expect(judgements().map((judgement) => judgement.turn)).toEqual([3, 4, 11]);
  });

  it("gives an explicit judge() step and an inline checkpoint a verdict whatever the schedule", async () => {
    behave((turn) => (turn === 3 ? SETTLES : "Still checking."));
    const result = await run(
      scenario(
        {},
        {
          script: [
            user(),
            agent(),
            user(),
            agent(),
            user(),
            agent(),
            judge({ criteria: ["The agent answers"] }),
            user(),
            agent(),
            judge(),
          ],
        },
      ),
    );
    expect(result.success).toBe(true);
    // Scripted turns ask the judge only where the script says; turn 3 is off the default schedule.
    expect(judgements()).toEqual([
      { turn: 3, forced: true },
      { turn: 4, forced: true },
    ]);
  });
});
