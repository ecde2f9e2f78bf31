import { type AgentAdapter, AgentRole, agent, defineScenario, judge, user } from "@scenario/kit";
import { ConfigurationError, type ScenarioEvent } from "@scenario/spec";
import { afterEach, describe, expect, it } from "vitest";
import { scenarioRunsOf } from "./run-registry";
import { scenario, scenarioTest } from "./scenario-test";

const echoAgent = (): AgentAdapter => ({
  role: AgentRole.AGENT,
  call: (input) => `echo: ${String(input.messages.at(-1)?.content)}`,
});

const approvingJudge = (): AgentAdapter => ({
  role: AgentRole.JUDGE,
  call: () => ({ success: true, reasoning: "Echoed.", metCriteria: ["Echoes"], unmetCriteria: [] }),
});

const echo = defineScenario({
  name: "echo",
  description: "The user says hello and the agent echoes it.",
  agents: () => [echoAgent(), approvingJudge()],
  script: [user("hello"), agent(), judge()],
});

const REPEATED = "a scenarioTest with repeats: 3 keeps the events of each run in its meta";

// The scenarioTest below is the test under test; this hook checks what it left in its meta after
// it ran, so a wrong meta fails that very test (and filtering it out skips the check too).
afterEach((context) => {
  if (context.task.name !== REPEATED) return;
  const runs: ScenarioEvent[][] = scenarioRunsOf(context.task.meta);
  expect(runs).toHaveLength(3);
  expect(new Set(runs.map((events) => events[0]?.scenarioRunId)).size).toBe(3);
  for (const events of runs) {
    const types = events.map((event) => event.type);
    expect(types[0]).toBe("SCENARIO_RUN_STARTED");
    expect(types.at(-1)).toBe("SCENARIO_RUN_FINISHED");
    expect(types.slice(1, -1).length).toBeGreaterThan(0);
    expect(new Set(types.slice(1, -1))).toEqual(new Set(["SCENARIO_MESSAGE_SNAPSHOT"]));
    expect(events.at(-1)).toMatchObject({ status: "SUCCESS", results: { metCriteria: ["Echoes"] } });
  }
});

scenarioTest(REPEATED, echo, { repeats: 3 });

describe("scenarioTest", () => {
  it("rejects a repeat count that is not a positive whole number, naming the test", () => {
    const thrown = (() => {
      try {
        scenarioTest("bad repeats", echo, { repeats: 0 });
      } catch (error) {
        return error;
      }
    })();
    expect(ConfigurationError.isInstance(thrown)).toBe(true);
    expect((thrown as Error).message).toContain(
      'scenarioTest("bad repeats"): repeats must be a whole number',
    );
  });

  it("rejects something that is not a scenario definition", () => {
    expect(() => scenarioTest("no agents", { name: "x", description: "y" } as never)).toThrow(
      /pass a scenario definition with agents: \(\) => \[\.\.\.\]/,
    );
  });

  it("is scenario.test, beside kit's scenario functions", () => {
    expect(scenario.test).toBe(scenarioTest);
    expect(typeof scenario.run).toBe("function");
    expect(typeof scenario.judgeAgent).toBe("function");
  });
});
