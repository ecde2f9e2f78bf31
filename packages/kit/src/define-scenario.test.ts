import { AgentRole, ConfigurationError } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { defineScenario, isScenarioDefinition, type ScenarioDefinition } from "./define-scenario";
import { runScenario } from "./run-scenario";

const echo = () => ({ role: AgentRole.AGENT, call: () => "echo" });

describe("defineScenario", () => {
  it("marks the definition so scenario files can be scanned for it, keeping every field", () => {
    const definition = defineScenario({ name: "a", description: "d", agents: () => [echo()], setId: "s" });
    expect(isScenarioDefinition(definition)).toBe(true);
    expect(definition).toMatchObject({ name: "a", description: "d", setId: "s" });
    expect(isScenarioDefinition({ name: "a", description: "d", agents: () => [] })).toBe(false);
    expect(isScenarioDefinition(null)).toBe(false);
  });

  it("rejects agents given as an array, saying to use a factory", () => {
    expect(() =>
      defineScenario({ name: "shared", description: "d", agents: [echo()] } as unknown as ScenarioDefinition),
    ).toThrow(/defineScenario\("shared"\): `agents` must be a function that creates fresh adapters/);
  });

  it("names every problem of a bad definition", () => {
    let caught: unknown;
    try {
      defineScenario({ name: "", maxTurns: 0 } as unknown as ScenarioDefinition);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    const message = (caught as Error).message;
    expect(message).toContain("`name` must be a non-empty string");
    expect(message).toContain("`description` must be a string");
    expect(message).toContain("`agents` is required");
    expect(message).toContain("`maxTurns` must be a positive integer");
  });
});

describe("runScenario", () => {
  it("creates fresh agents and script steps for every run", async () => {
    let agentsMade = 0;
    let scriptsMade = 0;
    const definition = defineScenario({
      name: "fresh",
      description: "Each run gets its own agent.",
      agents: () => {
        agentsMade += 1;
        let calls = 0;
        return [{ role: AgentRole.AGENT, call: () => `call ${++calls}` }];
      },
      script: () => {
        scriptsMade += 1;
        return [
          (_state, execution) => execution.user("hi"),
          (_state, execution) => execution.agent(),
          (_state, execution) => execution.succeed(),
        ];
      },
    });
    const first = await runScenario(definition);
    const second = await runScenario(definition, { metadata: { attempt: 2 } });
    expect([first.success, second.success]).toEqual([true, true]);
    // A shared adapter would have answered "call 2" the second time.
    expect(second.messages.at(-1)).toEqual({ role: "assistant", content: "call 1" });
    expect([agentsMade, scriptsMade]).toEqual([2, 2]);
  });

  it("applies the caller's maxTurns over the definition's", async () => {
    const definition = defineScenario({
      name: "turns",
      description: "Runs until the turn limit.",
      maxTurns: 5,
      agents: () => [
        { role: AgentRole.USER, call: () => "again" },
        { role: AgentRole.AGENT, call: () => "ok" },
      ],
    });
    const result = await runScenario(definition, { maxTurns: 2 });
    expect(result.success).toBe(false);
    expect(result.messages.filter((message) => message.role === "user")).toHaveLength(2);
  });
});
