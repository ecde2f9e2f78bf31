import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, scenarioEvents$ } from "@scenario/core";
import { configureScenarioLLM, installedAiSdkMajor, type RetryClock, withScenarioCache } from "@scenario/llm";
import { agent, judge, user } from "@scenario/script";
import {
  AgentCallError,
  CacheMissError,
  JudgeError,
  type ScenarioConfig,
  type ScenarioEvent,
  ScenarioEventType,
} from "@scenario/spec";
import {
  type FakeCriterionVerdict,
  type FakeJudgeContext,
  type FakeJudgeDecision,
  type FakeModelRequest,
  type FakeReplyFunction,
  judgeBehaviour,
  scenarioBehaviour,
  userSimulatorPersona,
} from "@scenario/testing";
import { userSimulatorAgent } from "@scenario/user-simulator";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { judgeAgent } from "../src/index";
import { type Harness, modelAgent, startHarness, transcriptOf } from "./scenario-harness";

const APOLOGISES = "The agent apologises for the broken kettle";
const REFUNDS = "The agent confirms the refund";
const CRITERIA = [APOLOGISES, REFUNDS];
const DESCRIPTION = "A customer whose new kettle arrived broken wants a refund.";

const USER_LINES = ["Hi, my new kettle arrived broken.", "It's order 42.", "Thanks, bye."];
const HELPFUL_AGENT = [
  "I'm so sorry about the kettle! What is your order number?",
  "Done: I issued the refund for order 42.",
];

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.server.close();
});
afterEach(() => {
  harness.server.reset();
  harness.server.setFault(undefined);
  configureScenarioLLM({ retry: undefined, cacheMode: undefined, cacheDir: undefined });
});

/** The nth line of a script, n being how many of its speaker's lines the conversation already holds. */
const nthLine = (lines: string[]) => (request: FakeModelRequest) =>
  lines[
    Math.min(request.messages.filter((message) => message.role === "assistant").length, lines.length - 1)
  ]!;

const ASKS_ORDER = "The agent asks for the order number";

/**
 * A judge that reads the transcript: APOLOGISES once it shows "sorry", REFUNDS once it shows a
 * refund (unmet on a refusal, inconclusive before), ASKS_ORDER once it shows "order number".
 */
function transcriptJudge(context: FakeJudgeContext): FakeJudgeDecision {
  const transcript = transcriptOf(context.request.messages);
  if (!transcript.includes("Agent:")) return "continue";
  const all: Record<string, FakeCriterionVerdict | { verdict: FakeCriterionVerdict; reasoning: string }> = {
    [APOLOGISES]: transcript.includes("sorry") ? "met" : "unmet",
    [REFUNDS]: transcript.includes("issued the refund")
      ? { verdict: "met", reasoning: "It issued the refund." }
      : transcript.includes("No refunds")
        ? { verdict: "unmet", reasoning: "The agent refused the refund." }
        : "inconclusive",
    [ASKS_ORDER]: transcript.includes("order number") ? "met" : "inconclusive",
  };
  const verdicts = Object.fromEntries(context.criteria.map((criterion) => [criterion, all[criterion]!]));
  return { reasoning: "Read the transcript.", verdicts };
}

function behave(options: { agentLines?: string[]; judge?: FakeReplyFunction }) {
  harness.server.setReply(
    scenarioBehaviour({
      agent: nthLine(options.agentLines ?? HELPFUL_AGENT),
      userSimulator: userSimulatorPersona((_conversation, request) => nthLine(USER_LINES)(request)),
      judge: options.judge ?? judgeBehaviour({ decide: transcriptJudge }),
    }),
  );
}

function scenario(overrides: Partial<ScenarioConfig> = {}): ScenarioConfig {
  return {
    name: "kettle refund",
    description: DESCRIPTION,
    agents: [
      modelAgent(harness.agentModel),
      userSimulatorAgent({ model: harness.model }),
      judgeAgent({ criteria: CRITERIA, model: harness.model }),
    ],
    maxTurns: 5,
    ...overrides,
  };
}

const roles = () => harness.server.requests.map((entry) => entry.role);

describe("a scenario with a user simulator and a judge, over HTTP", () => {
  it("runs on the installed AI SDK's own models: v3 with ai 6, v4 with ai 7", () => {
    // The same file runs in both test legs, so every scenario below passes with either major's models.
    const expected = installedAiSdkMajor() === 7 ? "v4" : "v3";
    expect(installedAiSdkMajor()).toBeOneOf([6, 7]);
    expect(harness.model.specificationVersion).toBe(expected);
    expect(harness.agentModel.specificationVersion).toBe(expected);
  });

  it("converses until the judge finds every criterion met", async () => {
    behave({});
    const result = await run(scenario());
    expect(result.status).toBe("SUCCESS");
    expect(result.success).toBe(true);
    expect(result.metCriteria).toEqual(CRITERIA);
    expect(result.criteria?.find((verdict) => verdict.criterion === REFUNDS)?.reasoning).toBe(
      "It issued the refund.",
    );
    expect(result.messages.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
    ]);
    expect(result.messages[0]?.content).toBe(USER_LINES[0]);
    // The first judgement saw the apology but no refund yet (inconclusive): the run went on.
    expect(roles()).toEqual(["user-simulator", "agent", "judge", "user-simulator", "agent", "judge"]);
    const simulatorRequests = harness.server.requests.filter((entry) => entry.role === "user-simulator");
    expect(
      simulatorRequests[1]?.request?.messages.slice(1).map((message) => [message.role, message.content]),
    ).toEqual([
      ["assistant", USER_LINES[0]],
      ["user", HELPFUL_AGENT[0]],
    ]);
  });

  it("fails naming the unmet criterion and the judge's reason", async () => {
    behave({ agentLines: ["I'm sorry to hear that. No refunds on kettles, though."] });
    const result = await run(scenario());
    expect(result.status).toBe("FAILED");
    expect(result.success).toBe(false);
    expect(result.unmetCriteria).toEqual([REFUNDS]);
    expect(result.metCriteria).toEqual([APOLOGISES]);
    expect(result.criteria?.find((verdict) => verdict.criterion === REFUNDS)?.reasoning).toBe(
      "The agent refused the refund.",
    );
  });

  it("counts a still-inconclusive criterion as unmet at max turns, saying why", async () => {
    behave({ agentLines: ["I'm sorry about that. Let me check."] });
    const result = await run(scenario({ maxTurns: 2 }));
    expect(result.success).toBe(false);
    expect(result.unmetCriteria).toEqual([REFUNDS]);
    expect(result.metCriteria).toEqual([APOLOGISES]);
    const verdict = result.criteria?.find((entry) => entry.criterion === REFUNDS);
    expect(verdict?.verdict).toBe("inconclusive");
    expect(verdict?.reasoning).toMatch(/^Inconclusive, counted as unmet because a verdict was required/);
    const judgeChoices = harness.server.requests
      .filter((entry) => entry.role === "judge")
      .map((entry) => entry.request?.toolChoice);
    expect(judgeChoices).toEqual(["required", { type: "tool", toolName: "finish_test" }]);
  });

  it("runs inline checkpoints with their own criteria, then the final judgement", async () => {
    behave({});
    const checkpoint = ASKS_ORDER;
    const result = await run(
      scenario({
        script: [user(), agent(), judge({ criteria: [checkpoint] }), user(), agent(), judge()],
        agents: [
          modelAgent(harness.agentModel),
          userSimulatorAgent({ model: harness.model }),
          judgeAgent({ criteria: CRITERIA, model: harness.model, judgeEvery: "end" }),
        ],
      }),
    );
    expect(result.success).toBe(true);
    expect(result.metCriteria).toEqual([checkpoint, ...CRITERIA]);
    const judgeRequests = harness.server.requests.filter((entry) => entry.role === "judge");
    expect(judgeRequests).toHaveLength(2);
    expect(judgeRequests[0]?.request?.messages[0]?.content).toContain(`1. ${checkpoint}`);
    expect(judgeRequests.map((entry) => entry.request?.toolChoice)).toEqual([
      { type: "tool", toolName: "finish_test" },
      { type: "tool", toolName: "finish_test" },
    ]);
  });

  it("retries a rate-limited judge call and still reaches the verdict", async () => {
    behave({});
    let limited = false;
    harness.server.setFault((request) => {
      if (request.role !== "judge" || limited) return undefined;
      limited = true;
      return { type: "rate-limit", retryAfterSeconds: 3 };
    });
    const sleeps: number[] = [];
    const clock: RetryClock = { now: () => 0, sleep: async (delayMs) => void sleeps.push(delayMs) };
    configureScenarioLLM({ retry: { clock } });
    const result = await run(scenario());
    expect(result.success).toBe(true);
    const judgeStatuses = harness.server.requests
      .filter((entry) => entry.role === "judge")
      .map((entry) => entry.status);
    expect(judgeStatuses).toEqual([429, 200, 200]);
    expect(sleeps).toEqual([3000]);
  });

  it("never turns a malformed judge reply into a pass", async () => {
    behave({
      judge: () => ({ toolCalls: [{ name: "finish_test", arguments: '{"verdicts": [{"criterion": ' }] }),
    });
    const finished: ScenarioEvent[] = [];
    const subscription = scenarioEvents$.subscribe((event) => {
      if (event.type === ScenarioEventType.RUN_FINISHED) finished.push(event);
    });
    const error = await run(scenario({ maxTurns: 1 })).catch((caught: unknown) => caught);
    subscription.unsubscribe();
    // Core wraps whatever an adapter throws in AgentCallError; the judge's own error is the cause.
    expect(AgentCallError.isInstance(error)).toBe(true);
    const cause = (error as AgentCallError).cause;
    expect(JudgeError.isInstance(cause)).toBe(true);
    expect((cause as JudgeError).code).toBe("JUDGE_FAILED");
    expect((error as Error).message).toMatch(/no usable verdict after 2 attempts/);
    expect(finished.map((event) => event.type === ScenarioEventType.RUN_FINISHED && event.status)).toEqual([
      "ERROR",
    ]);
    expect(roles().filter((role) => role === "judge")).toHaveLength(2);
  });

  it("reports usage per role that matches the server's counts", async () => {
    behave({});
    const result = await run(scenario());
    const served = harness.server.usage;
    const pairs: Array<["User" | "Agent" | "Judge", string]> = [
      ["User", "user-simulator"],
      ["Agent", "agent"],
      ["Judge", "judge"],
    ];
    for (const [role, fakeRole] of pairs) {
      const byRole = served.byRole[fakeRole]!;
      expect(byRole.inputTokens).toBeGreaterThan(0);
      expect(result.usage.byRole[role]).toEqual({
        inputTokens: byRole.inputTokens,
        outputTokens: byRole.outputTokens,
        totalTokens: byRole.totalTokens,
      });
    }
    expect(result.usage.totalTokens).toBe(served.totalTokens);
  });
});

describe("record and replay", () => {
  let cacheDir: string;
  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), "scenario-replay-"));
    configureScenarioLLM({ cacheDir });
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(cacheDir, { recursive: true, force: true });
  });

  const cachedScenario = (overrides: Partial<ScenarioConfig> = {}) =>
    scenario({
      cacheKey: "kettle-refund",
      agents: [
        modelAgent(withScenarioCache(harness.agentModel, { cacheKey: "kettle-refund" })),
        userSimulatorAgent({ model: harness.model }),
        judgeAgent({ criteria: CRITERIA, model: harness.model }),
      ],
      ...overrides,
    });

  async function recordingFiles(): Promise<string[]> {
    return (await readdir(cacheDir)).map((file) => join(cacheDir, file)).sort();
  }

  it("replays a whole run without a single request", async () => {
    behave({});
    const recorded = await run(cachedScenario());
    expect(recorded.success).toBe(true);
    expect(harness.server.requests).toHaveLength(6);
    // One cassette holds the whole scenario: the agent, the simulator and the judge share its cacheKey.
    expect(await recordingFiles()).toHaveLength(1);

    harness.server.reset();
    configureScenarioLLM({ cacheMode: "replay" });
    const replayed = await run(cachedScenario());
    expect(harness.server.requests).toHaveLength(0);
    expect(replayed.success).toBe(true);
    expect(replayed.metCriteria).toEqual(recorded.metCriteria);
    expect(replayed.messages).toEqual(recorded.messages);
    // Replayed calls spent no tokens, so the judge and the simulator report none.
    expect(replayed.usage.byRole.Judge).toBeUndefined();
    expect(replayed.usage.byRole.User).toBeUndefined();
  });

  it("fails clearly on a replay miss, naming the scenario and the call", async () => {
    behave({});
    await run(cachedScenario());
    harness.server.reset();
    configureScenarioLLM({ cacheMode: "replay" });
    const error = await run(cachedScenario({ description: "A customer wants to return a toaster." })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AgentCallError);
    expect((error as AgentCallError).cause).toBeInstanceOf(CacheMissError);
    expect((error as Error).message).toContain('No recording for scenario "kettle-refund" in replay mode');
    expect((error as Error).message).toContain("openai.responses/gpt-judge");
    expect(harness.server.requests).toHaveLength(0);
  });

  it("replays with the default model and no API key, as CI does", async () => {
    behave({});
    vi.stubEnv("OPENAI_API_KEY", "sk-harness-secret-key-000111");
    vi.stubEnv("OPENAI_BASE_URL", harness.server.baseURL);
    vi.stubEnv("SCENARIO_MODEL", "");
    const defaultModelScenario = () =>
      cachedScenario({
        agents: [
          modelAgent(withScenarioCache(harness.agentModel, { cacheKey: "kettle-refund" })),
          userSimulatorAgent(),
          judgeAgent({ criteria: CRITERIA }),
        ],
      });
    const recorded = await run(defaultModelScenario());
    expect(recorded.success).toBe(true);
    expect(harness.server.requests.find((entry) => entry.role === "judge")?.model).toBe("gpt-4.1-mini");

    harness.server.reset();
    vi.stubEnv("OPENAI_API_KEY", "");
    configureScenarioLLM({ cacheMode: "replay" });
    const replayed = await run(defaultModelScenario());
    expect(replayed.success).toBe(true);
    expect(harness.server.requests).toHaveLength(0);
  });

  it("treats a corrupt recording as a miss and records that one call again", async () => {
    behave({});
    await run(cachedScenario());
    const [cassette] = await recordingFiles();
    const [, ...otherCalls] = (await readFile(cassette!, "utf8")).split("\n");
    await writeFile(cassette!, ["{ not json", ...otherCalls].join("\n"));
    harness.server.reset();
    const result = await run(cachedScenario());
    expect(result.success).toBe(true);
    expect(harness.server.requests).toHaveLength(1);
  });
});
