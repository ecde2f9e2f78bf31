import reference, { AgentRole as ReferenceRole } from "@langwatch/scenario";
import { run } from "@scenario/core";
import { agent, judge, user } from "@scenario/script";
import { type AgentAdapter, type AgentInput, AgentRole } from "@scenario/spec";
import { bench, describe } from "vitest";

// The same scripted scenario (no LLM: scripted user, echo agent, a judge that passes) through
// both executors. What differs is each framework's own overhead: turn machine, state, events.
const turns = 8;

function participants(roles: { user: string; agent: string; judge: string }) {
  const echo = {
    role: roles.agent,
    name: "EchoAgent",
    call: async (input: AgentInput) => `echo: ${String(input.messages.at(-1)?.content)}`,
  };
  let line = 0;
  const simulatedUser = { role: roles.user, name: "ScriptedUser", call: async () => `line ${line++}` };
  const passingJudge = {
    role: roles.judge,
    name: "PassingJudge",
    call: async (input: AgentInput) =>
      input.judgmentRequest
        ? {
            success: true,
            reasoning: "ok",
            metCriteria: ["echoes"],
            unmetCriteria: [],
            messages: input.messages,
          }
        : null,
  };
  return [echo, simulatedUser, passingJudge];
}

function script(dsl: { user: () => unknown; agent: () => unknown; judge: () => unknown }): unknown[] {
  const steps: unknown[] = [];
  for (let turn = 0; turn < turns; turn++) steps.push(dsl.user(), dsl.agent());
  steps.push(dsl.judge());
  return steps;
}

const ours = () =>
  run({
    name: "bench",
    description: "a scripted echo conversation",
    agents: participants({
      user: AgentRole.USER,
      agent: AgentRole.AGENT,
      judge: AgentRole.JUDGE,
    }) as AgentAdapter[],
    script: script({ user: () => user(), agent: () => agent(), judge: () => judge() }) as never,
    maxTurns: turns + 2,
  });

const theirs = () =>
  reference.run({
    name: "bench",
    description: "a scripted echo conversation",
    agents: participants({
      user: ReferenceRole.USER,
      agent: ReferenceRole.AGENT,
      judge: ReferenceRole.JUDGE,
    }) as never,
    script: script({
      user: () => reference.user(),
      agent: () => reference.agent(),
      judge: () => reference.judge(),
    }) as never,
    maxTurns: turns + 2,
  });

async function check(result: Promise<{ success: boolean }>) {
  if (!(await result).success) throw new Error("the benchmark scenario must pass");
}

describe(`one scripted run (${turns} turns)`, () => {
  bench("@scenario/core", () => check(ours()), { time: 2000 });
  bench("@langwatch/scenario", () => check(theirs()), { time: 2000 });
});

describe("50 concurrent scripted runs", () => {
  bench(
    "@scenario/core",
    () => Promise.all(Array.from({ length: 50 }, () => check(ours()))).then(() => undefined),
    {
      time: 3000,
    },
  );
  bench(
    "@langwatch/scenario",
    () => Promise.all(Array.from({ length: 50 }, () => check(theirs()))).then(() => undefined),
    { time: 3000 },
  );
});
