import { getScenarioLLMConfig } from "@scenario/llm";
import { type AgentAdapter, AgentRole, ConfigurationError, ScenarioTimeoutError } from "@scenario/spec";
import { afterEach, describe, expect, it } from "vitest";
import { applyProjectConfig } from "./apply-project-config";
import { defineScenario, type ScenarioDefinition } from "./define-scenario";
import { runScenario } from "./run-scenario";

afterEach(() => {
  applyProjectConfig({ retry: {} });
});

/** An agent under test that never answers until its signal aborts. */
function stuckAgent(): AgentAdapter {
  return {
    role: AgentRole.AGENT,
    name: "StuckAgent",
    call: (input) =>
      new Promise((_resolve, reject) =>
        input.signal?.addEventListener("abort", () => reject(input.signal?.reason)),
      ),
  };
}

const user: AgentAdapter = { role: AgentRole.USER, name: "User", call: () => "hello" };

function stuck(timeout?: number): ScenarioDefinition {
  return defineScenario({
    name: "stuck",
    description: "the agent never answers",
    agents: () => [stuckAgent(), user],
    script: [(_state, execution) => execution.user("hi"), (_state, execution) => execution.agent()],
    ...(timeout !== undefined ? { timeout } : {}),
  });
}

async function timeoutOf(promise: Promise<unknown>): Promise<ScenarioTimeoutError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(ScenarioTimeoutError.isInstance(error)).toBe(true);
  return error as ScenarioTimeoutError;
}

describe("a scenario definition's timeout", () => {
  it("ends a stuck run, naming the step", async () => {
    const error = await timeoutOf(runScenario(stuck(100)));
    expect(error.timeoutMs).toBe(100);
    expect(error.step).toBe("the agent's turn 1 (StuckAgent), in script step 2: agent()");
  });

  it("gives way to the caller's timeout (--timeout), and the default applies when it sets none", async () => {
    expect((await timeoutOf(runScenario(stuck(60_000), { timeout: 120 }))).timeoutMs).toBe(120);
    expect((await timeoutOf(runScenario(stuck(), { defaultTimeout: 90 }))).timeoutMs).toBe(90);
    expect((await timeoutOf(runScenario(stuck(80), { defaultTimeout: 60_000 }))).timeoutMs).toBe(80);
  });

  it.each([[-1], ["5s"]])("is checked by defineScenario(): %j is refused", (timeout) => {
    expect(() => stuck(timeout as number)).toThrow(ConfigurationError);
    expect(() => stuck(timeout as number)).toThrow("`timeout` must be a number of milliseconds");
  });
});

describe("applyProjectConfig({ retry })", () => {
  it("hands the retry settings to the LLM participants' calls", () => {
    applyProjectConfig({ retry: { maxAttempts: 2, timeoutMs: 30_000 } });
    expect(getScenarioLLMConfig().retry).toEqual({ maxAttempts: 2, timeoutMs: 30_000 });
  });
});
