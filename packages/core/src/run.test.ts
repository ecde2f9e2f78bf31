import { getEventListeners } from "node:events";
import { PassThrough } from "node:stream";
import {
  type AgentAdapter,
  type AgentInput,
  AgentRole,
  ConfigurationError,
  type ModelMessage,
  type ScenarioConfig,
  type ScenarioEvent,
  type ScriptStep,
} from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { fakeAgentUnderTest, fakeJudge, fakeUser, sleep, texts, verdict } from "../test/fake-agents";
import {
  createDebugPrompt,
  type DebugPrompt,
  type DebugQuestion,
  run,
  ScenarioExecution,
  scenarioEvents$,
  type TextOutput,
  type VerboseLine,
  type VerbosePrinter,
} from "./index";

function scenario(
  agents: AgentAdapter[],
  script?: ScriptStep[],
  extra: Partial<ScenarioConfig> = {},
): ScenarioConfig {
  return {
    name: "run tests",
    description: "exercises run()",
    agents,
    ...(script ? { script } : {}),
    ...extra,
  };
}

describe("configuration checks", () => {
  const agent = fakeAgentUnderTest();
  it.each([
    ["a missing name", { description: "d", agents: [] }, /needs a `name`/],
    ["a missing description", { name: "n", agents: [] }, /needs a `description`/],
    [
      "agents that are not an array",
      { name: "n", description: "d", agents: agent },
      /`agents` must be an array/,
    ],
    [
      "maxTurns of 0",
      { name: "n", description: "d", agents: [], maxTurns: 0 },
      /`maxTurns` must be a positive whole number/,
    ],
    ["fractional maxTurns", { name: "n", description: "d", agents: [], maxTurns: 2.5 }, /`maxTurns`/],
    [
      "an adapter without call()",
      { name: "n", description: "d", agents: [{ role: AgentRole.AGENT, name: "Half" }] },
      /agents\[0\] \(Half\) has no call\(\) method/,
    ],
    [
      "an adapter with an unknown role",
      { name: "n", description: "d", agents: [{ role: "Boss", call: () => null }] },
      /set `role` to/,
    ],
    [
      "a script step that is not a function",
      { name: "n", description: "d", agents: [], script: ["hi"] },
      /script step 0/,
    ],
  ])("rejects %s with a ConfigurationError", async (_label, config, message) => {
    const outcome = run(config as unknown as ScenarioConfig);
    await expect(outcome).rejects.toBeInstanceOf(ConfigurationError);
    await expect(outcome).rejects.toThrow(message);
  });
});

describe("cancellation", () => {
  it("stops at the next step, disconnects, and resolves with status CANCELLED", async () => {
    const controller = new AbortController();
    const log: string[] = [];
    const agent: AgentAdapter = {
      name: "Slow",
      role: AgentRole.AGENT,
      call: (input) => {
        log.push("call");
        return new Promise((resolve) => {
          input.signal?.addEventListener("abort", () => {
            log.push("call saw abort");
            resolve("aborted reply");
          });
        });
      },
      disconnect: () => {
        log.push("disconnect");
      },
    };
    const execution = new ScenarioExecution(
      scenario(
        [agent],
        [
          (_s, e) => e.user("hi"),
          (_s, e) => {
            setTimeout(() => controller.abort(), 10).unref();
            return e.agent();
          },
          () => {
            log.push("step after abort");
          },
        ],
        { signal: controller.signal },
      ),
    );
    const events: ScenarioEvent[] = [];
    execution.events$.subscribe((event) => events.push(event));
    const result = await execution.execute();
    expect(result).toMatchObject({ success: false, status: "CANCELLED" });
    expect(result.reasoning).toMatch(/cancelled/);
    expect(log).toEqual(["call", "call saw abort", "disconnect"]);
    const finished = events.at(-1)!;
    expect(finished.type === "SCENARIO_RUN_FINISHED" && finished.status).toBe("CANCELLED");
    expect(finished.type === "SCENARIO_RUN_FINISHED" && finished.results.verdict).toBe("inconclusive");
  });

  it("does not wait for an agent that ignores the signal", async () => {
    const controller = new AbortController();
    let release: () => void = () => undefined;
    const stubborn: AgentAdapter = {
      role: AgentRole.AGENT,
      call: () =>
        new Promise((resolve) => {
          release = () => resolve("too late");
        }),
    };
    const outcome = run(
      scenario(
        [stubborn],
        [
          (_s, e) => {
            queueMicrotask(() => controller.abort("user pressed Ctrl-C"));
            return e.agent();
          },
        ],
        { signal: controller.signal },
      ),
    );
    const result = await outcome;
    release();
    expect(result.status).toBe("CANCELLED");
    expect(result.reasoning).toBe("The scenario run was cancelled: user pressed Ctrl-C.");
  });

  it("cancels before any agent is called when the signal is already aborted", async () => {
    const agent = fakeAgentUnderTest();
    const result = await run(scenario([agent], undefined, { signal: AbortSignal.abort() }));
    expect(result.status).toBe("CANCELLED");
    expect(agent.calls).toHaveLength(0);
  });
});

describe("usage", () => {
  it("sums the usage agents record, per role, computing missing totals", async () => {
    const reporting = (role: AgentRole, usage: Parameters<AgentInput["recordUsage"]>[0], reply: unknown) => ({
      role,
      call: (input: AgentInput) => {
        input.recordUsage(usage);
        input.recordUsage(usage);
        return reply as never;
      },
    });
    const result = await run(
      scenario(
        [
          reporting(AgentRole.USER, { inputTokens: 10, outputTokens: 5 }, "hi"),
          reporting(AgentRole.AGENT, { inputTokens: 100, outputTokens: 20, totalTokens: 130 }, "hello"),
          reporting(AgentRole.JUDGE, { inputTokens: 7 }, verdict(true)),
        ],
        [(_s, e) => e.proceed()],
      ),
    );
    expect(result.usage).toEqual({
      inputTokens: 20 + 200 + 14,
      outputTokens: 10 + 40,
      totalTokens: 30 + 260 + 14,
      byRole: {
        User: { inputTokens: 20, outputTokens: 10, totalTokens: 30 },
        Agent: { inputTokens: 200, outputTokens: 40, totalTokens: 260 },
        Judge: { inputTokens: 14, outputTokens: 0, totalTokens: 14 },
      },
    });
  });
});

describe("timing", () => {
  it("counts only the agent under test's calls in agentTime, and everything in totalTime", async () => {
    const agentWaitMs = 60;
    const userWaitMs = 150;
    const result = await run(
      scenario(
        [fakeUser({ delayMs: userWaitMs }), fakeAgentUnderTest({ delayMs: agentWaitMs })],
        [(_s, e) => e.user(), (_s, e) => e.agent(), (_s, e) => e.agent(), (_s, e) => e.succeed()],
      ),
    );
    // Timers may fire a millisecond early; the upper bound only has to exclude the user's wait.
    expect(result.agentTime).toBeGreaterThanOrEqual(2 * agentWaitMs - 5);
    expect(result.agentTime).toBeLessThan(2 * agentWaitMs + userWaitMs);
    expect(result.totalTime).toBeGreaterThanOrEqual(2 * agentWaitMs + userWaitMs - 5);
  });
});

describe("debug mode", () => {
  it("pauses before each user-simulator turn: Enter lets it speak, typed text replaces it", async () => {
    const input = new PassThrough();
    const answers = ["I typed this myself", ""];
    let output = "";
    const user = fakeUser();
    const result = await run(
      scenario(
        [user, fakeAgentUnderTest()],
        [(_s, e) => e.user(), (_s, e) => e.agent(), (_s, e) => e.proceed(1), (_s, e) => e.succeed()],
        { debug: true },
      ),
      {
        input,
        output: {
          write(text: string) {
            output += text;
            // Answer each prompt as a person at the terminal would.
            if (text.includes("[debug]")) input.write(`${answers.shift() ?? ""}\n`);
          },
        },
      },
    );
    expect(texts(result.messages)).toEqual([
      "I typed this myself",
      "agent reply 1",
      "user line 1",
      "agent reply 2",
    ]);
    expect(user.calls).toHaveLength(1);
    expect(output.match(/\[debug\]/g)).toHaveLength(2);
    // Core's default prompt is plain text: no colour codes.
    expect(output).toBe(
      "[debug] run tests, turn 0: press Enter to let the user simulator speak, or type the user's message: " +
        "[debug] run tests, turn 1: press Enter to let the user simulator speak, or type the user's message: ",
    );
  });

  it("serves run after run from one default prompt: the end of a run is not the end of the input", async () => {
    const input = new PassThrough();
    const debugPrompt = createDebugPrompt({
      input,
      output: { write: (text: string) => input.write(`typed after ${JSON.stringify(text.slice(0, 7))}\n`) },
    });
    for (const _run of [1, 2]) {
      const result = await run(
        scenario([fakeUser()], [(_s, e) => e.user(), (_s, e) => e.succeed()], { debug: true }),
        { debugPrompt },
      );
      expect(texts(result.messages)).toEqual(['typed after "[debug]"']);
    }
    input.end();
  });

  it("asks an injected debug prompt, with the scenario and turn, and closes it when the run ends", async () => {
    const questions: DebugQuestion[] = [];
    let closed = 0;
    const debugPrompt: DebugPrompt = {
      ask: async (question) => {
        questions.push(question);
        return questions.length === 1 ? "typed through the prompt" : "";
      },
      close: () => {
        closed += 1;
      },
    };
    const user = fakeUser();
    const result = await run(
      scenario(
        [user, fakeAgentUnderTest()],
        [(_s, e) => e.user(), (_s, e) => e.agent(), (_s, e) => e.proceed(1), (_s, e) => e.succeed()],
        { debug: true },
      ),
      { debugPrompt, output: { write: () => expect.fail("the injected prompt writes, not core") } },
    );
    expect(texts(result.messages)).toEqual([
      "typed through the prompt",
      "agent reply 1",
      "user line 1",
      "agent reply 2",
    ]);
    expect(questions.map(({ scenarioName, turn }) => `${scenarioName}@${turn}`)).toEqual([
      "run tests@0",
      "run tests@1",
    ]);
    expect(questions[0]!.text).toBe(
      "run tests, turn 0: press Enter to let the user simulator speak, or type the user's message: ",
    );
    expect(closed).toBe(1);
  });

  it("lets the simulator speak when the input has ended", async () => {
    const input = new PassThrough();
    input.end();
    const user = fakeUser();
    const result = await run(
      scenario([user], [(_s, e) => e.user(), (_s, e) => e.succeed()], { debug: true }),
      {
        input,
        output: { write: () => true },
      },
    );
    expect(texts(result.messages)).toEqual(["user line 1"]);
  });
});

describe("verbose mode", () => {
  it("prints each message as it is added, in plain text by default", async () => {
    const lines: string[] = [];
    const output = { write: (text: string) => lines.push(text) };
    const printedWhenAgentCalled: number[] = [];
    const agent: AgentAdapter = {
      role: AgentRole.AGENT,
      call: () => {
        printedWhenAgentCalled.push(lines.length);
        return [
          {
            role: "assistant",
            content: [{ type: "tool-call", toolCallId: "1", toolName: "search", input: { q: "x" } }],
          },
          { role: "assistant", content: "found it" },
        ];
      },
    };
    await run(
      scenario([agent], [(_s, e) => e.user("look it up"), (_s, e) => e.agent(), (_s, e) => e.succeed()], {
        verbose: true,
      }),
      { output },
    );
    expect(printedWhenAgentCalled).toEqual([1]);
    expect(lines).toEqual([
      "[run tests] User: look it up\n",
      '[run tests] Agent: [tool call search({"q":"x"})]\n',
      "[run tests] Agent: found it\n",
    ]);
  });

  it("hands each message, described, to an injected printer with the output", async () => {
    const printed: Array<{ line: VerboseLine; output: TextOutput }> = [];
    const output = { write: () => true };
    const verbosePrinter: VerbosePrinter = (line, to) => {
      printed.push({ line, output: to });
    };
    const toolResult: ModelMessage = {
      role: "tool",
      content: [
        { type: "tool-result", toolCallId: "1", toolName: "search", output: { type: "text", value: "ok" } },
      ],
    };
    await run(
      scenario([], [(_s, e) => e.user("hi"), (_s, e) => e.message(toolResult), (_s, e) => e.succeed()], {
        verbose: true,
      }),
      { output, verbosePrinter },
    );
    expect(printed.map(({ line }) => line)).toEqual([
      { scenarioName: "run tests", label: "User", text: "hi", message: { role: "user", content: "hi" } },
      {
        scenarioName: "run tests",
        label: "Tool",
        text: '[tool result search: {"type":"text","value":"ok"}]',
        message: toolResult,
      },
    ]);
    expect(printed.every((entry) => entry.output === output)).toBe(true);
  });

  it("prints nothing without verbose", async () => {
    const lines: string[] = [];
    await run(scenario([], [(_s, e) => e.user("quiet"), (_s, e) => e.succeed()]), {
      output: { write: (text: string) => lines.push(text) },
    });
    expect(lines).toEqual([]);
  });
});

describe("concurrent runs", () => {
  it("keep their state, results and events apart", async () => {
    const runCount = 20;
    const seen: ScenarioEvent[] = [];
    const subscription = scenarioEvents$.subscribe((event) => seen.push(event));
    const jitter = (seed: number) => sleep((seed * 7) % 5);
    try {
      const results = await Promise.all(
        Array.from({ length: runCount }, (_, runIndex) => {
          const tag = `run${runIndex}`;
          const user = fakeUser({
            replies: async (_input, call) => {
              await jitter(runIndex + call);
              return `${tag} user ${call}`;
            },
          });
          const agent = fakeAgentUnderTest({
            replies: async (input, call) => {
              await jitter(runIndex * 3 + call);
              input.recordUsage({ inputTokens: runIndex, outputTokens: 1 });
              return `${tag} echo ${texts(input.newMessages).join("|")}`;
            },
          });
          const judge = fakeJudge({
            replies: (input) => (input.scenarioState.currentTurn >= 2 ? verdict(true, [tag]) : null),
          });
          return run(scenario([user, agent, judge], undefined, { name: tag }));
        }),
      );
      results.forEach((result, runIndex) => {
        const tag = `run${runIndex}`;
        expect(result.success).toBe(true);
        expect(result.metCriteria).toEqual([tag]);
        expect(result.usage.byRole.Agent).toEqual({
          inputTokens: 3 * runIndex,
          outputTokens: 3,
          totalTokens: 3 * runIndex + 3,
        });
        expect(texts(result.messages)).toEqual([
          `${tag} user 0`,
          `${tag} echo ${tag} user 0`,
          `${tag} user 1`,
          `${tag} echo ${tag} user 1`,
          `${tag} user 2`,
          `${tag} echo ${tag} user 2`,
        ]);
        const ownEvents = seen.filter((event) => event.scenarioRunId === result.runId);
        expect(ownEvents[0]!.type).toBe("SCENARIO_RUN_STARTED");
        expect(ownEvents.at(-1)!.type).toBe("SCENARIO_RUN_FINISHED");
        for (const event of ownEvents) {
          if (event.type !== "SCENARIO_MESSAGE_SNAPSHOT") continue;
          for (const message of event.messages) expect(message.content).toContain(tag);
        }
      });
      expect(new Set(results.map((result) => result.runId)).size).toBe(runCount);
    } finally {
      subscription.unsubscribe();
    }
  });
});

describe("process handles", () => {
  it("leaves no timers, sockets or listeners behind", async () => {
    const resourcesBefore = process.getActiveResourcesInfo().filter((name) => name !== "TTYWrap");
    const controller = new AbortController();
    const input = new PassThrough();
    await run(
      scenario([fakeUser(), fakeAgentUnderTest(), fakeJudge()], undefined, {
        maxTurns: 3,
        debug: true,
        signal: controller.signal,
      }),
      {
        input,
        output: { write: (text: string) => (text.includes("[debug]") ? input.write("\n") : true) },
      },
    );
    await run(scenario([fakeAgentUnderTest()], undefined, { signal: AbortSignal.abort() }));
    const resourcesAfter = process.getActiveResourcesInfo().filter((name) => name !== "TTYWrap");
    expect(resourcesAfter.length).toBeLessThanOrEqual(resourcesBefore.length);
    // The run released the debug input and removed its listener from the caller's signal.
    expect(input.listenerCount("data")).toBe(0);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});
