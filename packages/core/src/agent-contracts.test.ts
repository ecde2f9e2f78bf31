import {
  type AgentAdapter,
  type AgentInput,
  type AgentPreflightContext,
  AgentRole,
  ConfigurationError,
  type ScriptStep,
} from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { ScenarioExecution } from "./index";

// The declared contracts core hands between participants: step requirements to `preflight()`
// before the run, and a planner's barge-in plan to the agent under test as `interruptionPlan`.

function agentUnderTest(inputs: AgentInput[] = []): AgentAdapter & { connects: number } {
  const adapter = {
    role: AgentRole.AGENT,
    name: "Agent",
    connects: 0,
    connect() {
      adapter.connects++;
    },
    call(input: AgentInput) {
      inputs.push(input);
      return "ok";
    },
  };
  return adapter;
}

function stepNeeding(capability: string): ScriptStep {
  const step: ScriptStep = () => undefined;
  return Object.assign(step, { requirements: [{ capability, step: `needs(${capability})` }] });
}

describe("preflight", () => {
  it("hands every step's requirements to each adapter once, before anything connects", async () => {
    const seen: AgentPreflightContext[] = [];
    const agent = agentUnderTest();
    const checking: AgentAdapter = { ...agent, preflight: (context) => void seen.push(context) };
    const execution = new ScenarioExecution({
      name: "preflight",
      description: "d",
      agents: [checking],
      script: [stepNeeding("voice.dtmf"), (_state, run) => run.succeed(), stepNeeding("voice.textInput")],
    });
    await execution.execute();
    expect(seen).toEqual([
      {
        requirements: [
          { capability: "voice.dtmf", step: "needs(voice.dtmf)" },
          { capability: "voice.textInput", step: "needs(voice.textInput)" },
        ],
      },
    ]);
  });

  it("fails the run with the adapter's own error, without connecting", async () => {
    const agent = agentUnderTest();
    const refusing = Object.assign(agent, {
      preflight: () => {
        throw new ConfigurationError("Agent cannot do voice.dtmf.");
      },
    });
    const execution = new ScenarioExecution({
      name: "preflight",
      description: "d",
      agents: [refusing],
      script: [stepNeeding("voice.dtmf"), (_state, run) => run.succeed()],
    });
    await expect(execution.execute()).rejects.toThrow("Agent cannot do voice.dtmf.");
    expect(refusing.connects).toBe(0);
  });
});

describe("interruptionPlan", () => {
  it("asks the planner for each turn of the agent under test and passes the plan on, to it alone", async () => {
    const inputs: AgentInput[] = [];
    const asked: number[] = [];
    const userInputs: AgentInput[] = [];
    const planner: AgentAdapter & {
      planInterruption(context: { turn: number }): { afterMs: number } | null;
    } = {
      role: AgentRole.USER,
      call: (input) => {
        userInputs.push(input);
        return "hello";
      },
      planInterruption: ({ turn }) => {
        asked.push(turn);
        return turn === 0 ? { afterMs: 250 } : null;
      },
    };
    const execution = new ScenarioExecution({
      name: "plans",
      description: "d",
      agents: [agentUnderTest(inputs), planner],
      script: [
        (_state, run) => run.user(),
        (_state, run) => run.agent(),
        (_state, run) => run.user(),
        (_state, run) => run.agent(),
        (_state, run) => run.succeed(),
      ],
    });
    await execution.execute();
    expect(inputs.map((input) => input.interruptionPlan)).toEqual([{ afterMs: 250 }, undefined]);
    expect(asked).toHaveLength(2);
    expect(userInputs.every((input) => input.interruptionPlan === undefined)).toBe(true);
  });
});
