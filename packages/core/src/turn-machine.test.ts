import { type AgentAdapter, AgentRole, type ScenarioConfig, type ScriptStep } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { fakeAgent, fakeAgentUnderTest, fakeJudge, fakeUser, verdict } from "../test/fake-agents";
import { run, ScenarioExecution } from "./index";

// The turn rule is the reference executor's (`@langwatch/scenario`): within a turn the roles act in
// the order user → agent → judge, each agent once; a script step for a role whose place has passed
// starts a new turn; proceed(n) plays n turns to their end; the turn that reaches maxTurns starts,
// onTurn sees it, and the run fails.

function scenario(
  agents: AgentAdapter[],
  script?: ScriptStep[],
  extra: Partial<ScenarioConfig> = {},
): ScenarioConfig {
  return {
    name: "turn tests",
    description: "a scenario under test",
    agents,
    ...extra,
    ...(script ? { script } : {}),
  };
}

/** Agents that write `turn:name` to one shared log when called; `onTurn` writes `onTurn(turn)`. */
function loggingAgents() {
  const log: string[] = [];
  const make = (role: AgentRole, name: string, replies?: Parameters<typeof fakeAgent>[0]["replies"]) =>
    fakeAgent({
      role,
      name,
      replies: (input, callIndex) => {
        log.push(`${input.scenarioState.currentTurn}:${name}`);
        if (typeof replies === "function") return replies(input, callIndex);
        if (role !== AgentRole.JUDGE) return `${name} ${callIndex + 1}`;
        // A judge that lets the run go on, and passes a checkpoint when asked for one.
        return input.judgmentRequest ? verdict(true, input.judgmentRequest.criteria ?? []) : null;
      },
    });
  const onTurn = (state: { currentTurn: number }) => {
    log.push(`onTurn(${state.currentTurn})`);
  };
  /** The agent under test, the user simulator and a judge that lets the run continue. */
  const trio = () => [make(AgentRole.AGENT, "A"), make(AgentRole.USER, "U"), make(AgentRole.JUDGE, "J")];
  return { log, make, onTurn, trio };
}

describe("turns", () => {
  it("lets each role act once per turn in the order user, agent, judge", async () => {
    const { log, make } = loggingAgents();
    // Listed out of order on purpose: the turn order comes from the roles, not the list.
    const agents = [make(AgentRole.JUDGE, "J"), make(AgentRole.AGENT, "A"), make(AgentRole.USER, "U")];
    await run(
      scenario(agents, [(_s, execution) => execution.proceed(2), (_s, execution) => execution.succeed()]),
    );
    expect(log).toEqual(["0:U", "0:A", "0:J", "1:U", "1:A", "1:J"]);
  });

  it("lets every agent of a role act once per turn, and skips roles without an agent", async () => {
    const { log, make } = loggingAgents();
    const agents = [make(AgentRole.AGENT, "A1"), make(AgentRole.AGENT, "A2")];
    await run(
      scenario(agents, [(_s, execution) => execution.proceed(2), (_s, execution) => execution.succeed()]),
    );
    expect(log).toEqual(["0:A1", "0:A2", "1:A1", "1:A2"]);
  });

  it("starts a new turn for user() after agent(): the user's place in the turn has passed", async () => {
    const { log, onTurn, trio } = loggingAgents();
    await run(
      scenario(trio(), [
        (_s, e) => e.agent(),
        (_s, e) => e.user(),
        (_s, e) => e.proceed(2, onTurn),
        (_s, e) => e.succeed(),
      ]),
    );
    // The simulator never speaks twice in a row, and the judge only acts after the agent answered.
    expect(log).toEqual(["0:A", "1:U", "1:A", "1:J", "onTurn(2)", "2:U", "2:A", "2:J"]);
  });

  it("starts a new turn in a script when the role's place has passed or its agents all acted", async () => {
    const turns: number[] = [];
    const user = fakeUser();
    const agent = fakeAgentUnderTest();
    await run(
      scenario(
        [user, agent],
        [
          async (state, execution) => {
            await execution.agent();
            turns.push(state.currentTurn);
            await execution.user(); // the user's place (before the agent) has passed: turn 1
            turns.push(state.currentTurn);
            await execution.user(); // the user already spoke in turn 1: turn 2
            turns.push(state.currentTurn);
            await execution.agent(); // the agent's place is still ahead in turn 2
            turns.push(state.currentTurn);
          },
          (_s, execution) => execution.succeed(),
        ],
      ),
    );
    expect(turns).toEqual([0, 1, 2, 2]);
    expect(user.calls.map((call) => call.turn)).toEqual([1, 2]);
    expect(agent.calls.map((call) => call.turn)).toEqual([0, 2]);
  });

  it("starts a new turn for agent() after a judge() checkpoint, and keeps user → agent → judge in one", async () => {
    const { log, trio } = loggingAgents();
    await run(
      scenario(trio(), [
        (_s, e) => e.user(),
        (_s, e) => e.agent(),
        (_s, e) => e.judge({ criteria: ["ok"] }),
        (_s, e) => e.agent(),
        (_s, e) => e.judge({ criteria: ["ok"] }),
        (_s, e) => e.succeed(),
      ]),
    );
    expect(log).toEqual(["0:U", "0:A", "0:J", "1:A", "1:J"]);
  });

  it("counts scripted messages as their role's move, with or without an agent for the role", async () => {
    const turns: number[] = [];
    const record: ScriptStep = (state) => {
      turns.push(state.currentTurn);
    };
    await run(
      scenario(
        [fakeAgentUnderTest()],
        [
          (_s, execution) => execution.user("a"),
          record,
          (_s, execution) => execution.agent(),
          record,
          (_s, execution) => execution.user("b"),
          record,
          (_s, execution) => execution.agent("scripted"),
          record,
          (_s, execution) => execution.agent("again"),
          record,
          (_s, execution) => execution.user("c"), // no user agent, but the user's place has passed
          record,
          (_s, execution) => execution.succeed(),
        ],
      ),
    );
    expect(turns).toEqual([0, 0, 1, 1, 2, 3]);
  });
});

describe("proceed(turns)", () => {
  it("plays the rest of the current turn as the first of its turns, the judge last", async () => {
    const { log, trio } = loggingAgents();
    await run(scenario(trio(), [(_s, e) => e.user(), (_s, e) => e.proceed(2), (_s, e) => e.succeed()]));
    expect(log).toEqual(["0:U", "0:A", "0:J", "1:U", "1:A", "1:J"]);
  });

  it("starts with a new turn when the current one is over", async () => {
    const { log, onTurn, trio } = loggingAgents();
    await run(
      scenario(trio(), [
        (_s, e) => e.user(),
        (_s, e) => e.agent(),
        (_s, e) => e.judge({ criteria: ["ok"] }),
        (_s, e) => e.proceed(1, onTurn),
        (_s, e) => e.succeed(),
      ]),
    );
    expect(log).toEqual(["0:U", "0:A", "0:J", "onTurn(1)", "1:U", "1:A", "1:J"]);
  });
});

describe("max turns", () => {
  it("calls onTurn for the turn that reaches maxTurns, then fails without calling anyone in it", async () => {
    const { log, onTurn, trio } = loggingAgents();
    const result = await run(scenario(trio(), [(_s, e) => e.proceed(undefined, onTurn)], { maxTurns: 3 }));
    expect(log).toEqual([
      "0:U",
      "0:A",
      "0:J",
      "onTurn(1)",
      "1:U",
      "1:A",
      "1:J",
      "onTurn(2)",
      "2:U",
      "2:A",
      "2:J",
      "onTurn(3)",
    ]);
    expect(result).toMatchObject({
      success: false,
      status: "FAILED",
      reasoning: "Reached maximum turns (3) without conclusion",
    });
  });

  it("reports the last turn played in its events, not the turn that only reached maxTurns", async () => {
    const { trio } = loggingAgents();
    const execution = new ScenarioExecution(scenario(trio(), undefined, { maxTurns: 3 }));
    const turns: Array<number | undefined> = [];
    execution.events$.subscribe((event) => {
      if (event.type === "SCENARIO_MESSAGE_SNAPSHOT") turns.push(event.turn);
    });
    await execution.execute();
    expect(execution.state.currentTurn).toBe(3);
    expect(turns.at(-1)).toBe(2);
    expect(turns.filter((turn) => turn === undefined || turn > 2)).toEqual([]);
  });

  it("stops at maxTurns also when proceed(turns) asks for more", async () => {
    const { log, onTurn, trio } = loggingAgents();
    const result = await run(scenario(trio(), [(_s, e) => e.proceed(5, onTurn)], { maxTurns: 2 }));
    expect(log).toEqual(["0:U", "0:A", "0:J", "onTurn(1)", "1:U", "1:A", "1:J", "onTurn(2)"]);
    expect(result.reasoning).toBe("Reached maximum turns (2) without conclusion");
  });

  it("lets onTurn end the run at the turn that reaches maxTurns", async () => {
    const result = await run(
      scenario(
        [fakeAgentUnderTest()],
        [
          (_s, e) =>
            e.proceed(undefined, async (state) => {
              if (state.currentTurn === 2) await e.succeed("onTurn saw the last turn");
            }),
        ],
        { maxTurns: 2 },
      ),
    );
    expect(result).toMatchObject({ success: true, reasoning: "onTurn saw the last turn" });
  });

  it("fails a run without a script when a new turn reaches maxTurns", async () => {
    const agent = fakeAgentUnderTest();
    const user = fakeUser();
    const result = await run(scenario([user, agent, fakeJudge()], undefined, { maxTurns: 3 }));
    expect(result.success).toBe(false);
    expect(result.status).toBe("FAILED");
    expect(result.reasoning).toBe("Reached maximum turns (3) without conclusion");
    expect(agent.calls.map((call) => call.turn)).toEqual([0, 1, 2]);
    expect(user.calls).toHaveLength(3);
  });

  it("defaults to 10 turns and lists the judge's declared criteria as unmet", async () => {
    const agent = fakeAgentUnderTest();
    const judge = Object.assign(fakeJudge(), { criteria: ["is polite", "is brief"] });
    const result = await run(scenario([agent, judge]));
    expect(result.reasoning).toBe("Reached maximum turns (10) without conclusion");
    expect(agent.calls).toHaveLength(10);
    expect(result.unmetCriteria).toEqual(["is polite", "is brief"]);
  });

  it("lists no criteria for a judge whose criteria are not all texts", async () => {
    const judge = Object.assign(fakeJudge(), { criteria: ["is polite", 42] });
    const result = await run(scenario([fakeAgentUnderTest(), judge], undefined, { maxTurns: 1 }));
    expect(result.unmetCriteria).toEqual([]);
  });
});
