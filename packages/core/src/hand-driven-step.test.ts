import { type ScenarioEvent, ScenarioEventType, type ScenarioResult, ScriptError } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { fakeAgentUnderTest, fakeJudge, fakeUser, texts, verdict } from "../test/fake-agents";
import { ScenarioExecution } from "./index";

function isResult(value: unknown): value is ScenarioResult {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "success" in value;
}

function recordEvents(execution: ScenarioExecution): ScenarioEvent[] {
  const events: ScenarioEvent[] = [];
  execution.events$.subscribe((event) => events.push(event));
  return events;
}

describe("ScenarioExecution.step() and finish(), driven by hand", () => {
  it("steps user → agent → judge within a turn, then starts the next turn, until the judge decides", async () => {
    let disconnects = 0;
    const user = fakeUser();
    const judge = fakeJudge({
      replies: (input) => (input.scenarioState.currentTurn >= 1 ? verdict(true) : null),
    });
    const agent = {
      ...fakeAgentUnderTest(),
      disconnect: () => {
        disconnects += 1;
      },
    };
    const execution = new ScenarioExecution({
      name: "by hand",
      description: "d",
      agents: [agent, user, judge],
    });
    const events = recordEvents(execution);

    expect(texts((await execution.step()) as never)).toEqual(["user line 1"]);
    expect(execution.state.currentTurn).toBe(0);
    expect(texts((await execution.step()) as never)).toEqual(["agent reply 1"]);
    expect(await execution.step()).toEqual([]); // the judge let the run go on
    expect(texts((await execution.step()) as never)).toEqual(["user line 2"]);
    expect(execution.state.currentTurn).toBe(1);
    expect(texts((await execution.step()) as never)).toEqual(["agent reply 2"]);
    const decided = await execution.step();
    expect(isResult(decided) && decided.status).toBe("SUCCESS");
    // Once decided, a step changes nothing and returns the verdict again.
    expect(await execution.step()).toBe(decided);
    expect(user.calls).toHaveLength(2);

    const result = await execution.finish();
    expect(result.status).toBe("SUCCESS");
    expect(texts(result.messages)).toEqual(["user line 1", "agent reply 1", "user line 2", "agent reply 2"]);
    expect(disconnects).toBe(1);
    const types = events.map((event) => event.type);
    expect(types[0]).toBe(ScenarioEventType.RUN_STARTED);
    expect(types.at(-1)).toBe(ScenarioEventType.RUN_FINISHED);
    expect(types.filter((type) => type === ScenarioEventType.RUN_STARTED)).toHaveLength(1);
    expect(types.filter((type) => type === ScenarioEventType.RUN_FINISHED)).toHaveLength(1);

    // finish() again returns the same result and emits nothing more; steps are refused.
    expect(await execution.finish()).toBe(result);
    expect(events).toHaveLength(types.length);
    await expect(execution.step()).rejects.toBeInstanceOf(ScriptError);
  });

  it("ends the run at maxTurns like proceed() does", async () => {
    const execution = new ScenarioExecution({
      name: "limited",
      description: "d",
      maxTurns: 1,
      agents: [fakeAgentUnderTest(), fakeUser()],
    });
    await execution.step();
    await execution.step();
    const ended = await execution.step();
    expect(isResult(ended) && ended.reasoning).toBe("Reached maximum turns (1) without conclusion");
    expect((await execution.finish()).status).toBe("FAILED");
  });

  it("finish() without a verdict fails the run, saying the script ended without one, and emits both events", async () => {
    const execution = new ScenarioExecution({
      name: "open",
      description: "d",
      agents: [fakeAgentUnderTest()],
    });
    const events = recordEvents(execution);
    await execution.user("hello");
    await execution.agent();
    const result = await execution.finish();
    expect(result.success).toBe(false);
    expect(result.reasoning).toContain("The script ended without a verdict");
    expect(events.map((event) => event.type)).toEqual([
      ScenarioEventType.RUN_STARTED,
      ScenarioEventType.MESSAGE_SNAPSHOT,
      ScenarioEventType.RUN_FINISHED,
    ]);
  });

  it("finish() is refused for a run that execute() drives", async () => {
    const execution = new ScenarioExecution({
      name: "scripted",
      description: "d",
      agents: [fakeAgentUnderTest()],
      script: [(_state, running) => running.succeed()],
    });
    const executing = execution.execute();
    await expect(execution.finish()).rejects.toThrow(/execute\(\) ends its own run/);
    expect((await executing).status).toBe("SUCCESS");
  });
});
