import {
  type AgentAdapter,
  type AgentInput,
  AgentRole,
  ConfigurationError,
  type ScenarioConfig,
  type ScenarioEvent,
  ScenarioTimeoutError,
  type ScriptStep,
} from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { fakeAgentUnderTest, fakeJudge, fakeUser, verdict } from "../test/fake-agents";
import { ScenarioExecution } from "./index";
import { describeActivity, formatDuration } from "./run-deadline";

const userSays: ScriptStep = (_state, execution) => execution.user("hi");
const agentReplies: ScriptStep = (_state, execution) => execution.agent();
const judges: ScriptStep = async (_state, execution) => (await execution.judge()) ?? undefined;
const proceeds: ScriptStep = async (_state, execution) => (await execution.proceed()) ?? undefined;

/** An agent whose call never ends by itself; it records the signal it was given. */
function stuckAgent(role: AgentRole, name: string, options: { honoursSignal: boolean }) {
  const seen: { signal?: AbortSignal } = {};
  const adapter: AgentAdapter = {
    role,
    name,
    call(input: AgentInput) {
      seen.signal = input.signal;
      return new Promise((_resolve, reject) => {
        if (options.honoursSignal)
          input.signal?.addEventListener("abort", () => reject(input.signal?.reason));
      });
    },
  };
  return { adapter, seen };
}

async function runToEnd(config: ScenarioConfig) {
  const execution = new ScenarioExecution(config);
  const events: ScenarioEvent[] = [];
  execution.events$.subscribe((event) => events.push(event));
  const error = await execution.execute().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  const finished = events.find((event) => event.type === "SCENARIO_RUN_FINISHED");
  return { error, finished: finished as Extract<ScenarioEvent, { type: "SCENARIO_RUN_FINISHED" }> };
}

describe("a scenario's timeout", () => {
  it("ends a run stuck in the agent's turn as ERROR, naming the step, and aborts the call", async () => {
    const { adapter, seen } = stuckAgent(AgentRole.AGENT, "StuckAgent", { honoursSignal: true });
    const { error, finished } = await runToEnd({
      name: "stuck agent",
      description: "the agent never answers",
      agents: [adapter, fakeUser(), fakeJudge({ replies: [verdict(true)] })],
      script: [userSays, agentReplies, judges],
      timeout: 150,
    });

    expect(ScenarioTimeoutError.isInstance(error)).toBe(true);
    const timeout = error as ScenarioTimeoutError;
    expect(timeout.code).toBe("RUN_TIMED_OUT");
    expect(timeout.timeoutMs).toBe(150);
    expect(timeout.step).toBe("the agent's turn 1 (StuckAgent), in script step 2: agent()");
    expect(timeout.message).toContain(
      'Scenario "stuck agent" timed out after 150 ms in the agent\'s turn 1 (StuckAgent), in script step 2: agent()',
    );
    expect(seen.signal?.aborted).toBe(true);
    expect(seen.signal?.reason).toBe(error);
    expect(finished.status).toBe("ERROR");
    expect(finished.results.error).toBe(timeout.message);
  });

  it("ends the run even when the stuck call ignores its signal", async () => {
    const { adapter } = stuckAgent(AgentRole.AGENT, "DeafAgent", { honoursSignal: false });
    const { error, finished } = await runToEnd({
      name: "deaf agent",
      description: "the agent never answers and ignores aborts",
      agents: [adapter, fakeUser()],
      script: [userSays, agentReplies],
      timeout: 100,
    });
    expect((error as ScenarioTimeoutError).step).toBe(
      "the agent's turn 1 (DeafAgent), in script step 2: agent()",
    );
    expect(finished.status).toBe("ERROR");
  });

  it("names the judge when the judge is stuck inside proceed()", async () => {
    const { adapter } = stuckAgent(AgentRole.JUDGE, "StuckJudge", { honoursSignal: true });
    const { error } = await runToEnd({
      name: "stuck judge",
      description: "the judge never decides",
      agents: [fakeAgentUnderTest(), fakeUser(), adapter],
      script: [proceeds],
      timeout: 100,
    });
    expect((error as ScenarioTimeoutError).step).toBe(
      "the judge (StuckJudge, turn 1), in script step 1: proceed()",
    );
  });

  it("names the connection when an adapter's connect() never ends", async () => {
    const agent: AgentAdapter = {
      role: AgentRole.AGENT,
      name: "Unreachable",
      connect: () => new Promise(() => undefined),
      call: () => "never",
    };
    const { error } = await runToEnd({
      name: "no connection",
      description: "the agent's socket never opens",
      agents: [agent, fakeUser()],
      script: [userSays],
      timeout: 100,
    });
    expect((error as ScenarioTimeoutError).step).toBe("connecting the agents");
  });

  it("leaves other runs alone: a stuck run times out while a concurrent one passes", async () => {
    const { adapter } = stuckAgent(AgentRole.AGENT, "StuckAgent", { honoursSignal: true });
    const [stuck, healthy] = await Promise.all([
      runToEnd({
        name: "stuck",
        description: "never answers",
        agents: [adapter, fakeUser()],
        script: [userSays, agentReplies],
        timeout: 100,
      }),
      runToEnd({
        name: "healthy",
        description: "answers",
        agents: [fakeAgentUnderTest({ delayMs: 20 }), fakeUser(), fakeJudge({ replies: [verdict(true)] })],
        script: [userSays, agentReplies, judges],
        timeout: 60_000,
      }),
    ]);
    expect(stuck.finished.status).toBe("ERROR");
    expect(healthy.error).toBeUndefined();
    expect(healthy.finished.status).toBe("SUCCESS");
  });

  it("has no deadline with timeout 0", async () => {
    const { error, finished } = await runToEnd({
      name: "no deadline",
      description: "a slow but working agent",
      agents: [fakeAgentUnderTest({ delayMs: 30 }), fakeUser(), fakeJudge({ replies: [verdict(true)] })],
      script: [userSays, agentReplies, judges],
      timeout: 0,
    });
    expect(error).toBeUndefined();
    expect(finished.status).toBe("SUCCESS");
  });

  it.each([[-1], ["5s"], [Number.NaN]])("rejects timeout %s with a ConfigurationError", (timeout) => {
    expect(
      () =>
        new ScenarioExecution({
          name: "bad",
          description: "bad timeout",
          agents: [fakeAgentUnderTest()],
          timeout: timeout as number,
        }),
    ).toThrow(ConfigurationError);
  });
});

describe("describeActivity", () => {
  it("says where a run is", () => {
    expect(describeActivity({})).toBe("the run, between steps");
    expect(describeActivity({ scriptStep: 4, stepCall: "user()" })).toBe("script step 4: user()");
    expect(describeActivity({ scriptStep: 2 })).toBe("script step 2");
    expect(
      describeActivity({ agentCall: { role: AgentRole.USER, name: "Sim", turn: 2 }, stepCall: "step()" }),
    ).toBe("the user simulator's turn 3 (Sim), in step()");
  });
});

describe("formatDuration", () => {
  it("picks a readable unit", () => {
    expect(formatDuration(500)).toBe("500 ms");
    expect(formatDuration(1500)).toBe("1.5 s");
    expect(formatDuration(60_000)).toBe("60 s");
    expect(formatDuration(300_000)).toBe("5 min");
    expect(formatDuration(5_400_000)).toBe("90 min");
    expect(formatDuration(9_000_000)).toBe("2 h 30 min");
  });
});
