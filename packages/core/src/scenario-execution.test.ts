import {
  type AgentAdapter,
  AgentCallError,
  type AgentInput,
  AgentRole,
  InvalidAgentReturnError,
  MissingAgentError,
  type ModelMessage,
  type ScenarioConfig,
  type ScenarioEvent,
  type ScenarioRunFinishedEvent,
  ScriptError,
  type ScriptStep,
} from "@scenario/spec";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  fakeAgentUnderTest,
  fakeJudge,
  fakeUser,
  passingJudge,
  sleep,
  textOf,
  texts,
  verdict,
} from "../test/fake-agents";
import { run, ScenarioExecution } from "./index";

function scenario(
  agents: AgentAdapter[],
  script?: ScriptStep[],
  extra: Partial<ScenarioConfig> = {},
): ScenarioConfig {
  return {
    name: "test scenario",
    description: "a scenario under test",
    agents,
    ...extra,
    ...(script ? { script } : {}),
  };
}

async function executeWithEvents(
  config: ScenarioConfig,
): Promise<{ result?: Awaited<ReturnType<typeof run>>; error?: unknown; events: ScenarioEvent[] }> {
  const execution = new ScenarioExecution(config);
  const events: ScenarioEvent[] = [];
  execution.events$.subscribe((event) => events.push(event));
  try {
    return { result: await execution.execute(), events };
  } catch (error) {
    return { error, events };
  }
}

function finishedEvent(events: ScenarioEvent[]): ScenarioRunFinishedEvent {
  const finished = events.find((event) => event.type === "SCENARIO_RUN_FINISHED");
  if (finished?.type !== "SCENARIO_RUN_FINISHED") throw new Error("no run-finished event");
  return finished;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("broadcast", () => {
  it("gives each agent exactly the messages added by others since its last call", async () => {
    const user = fakeUser();
    const agent = fakeAgentUnderTest({
      replies: (_input, callIndex) => [
        { role: "assistant", content: `agent reply ${callIndex + 1}a` },
        { role: "assistant", content: `agent reply ${callIndex + 1}b` },
      ],
    });
    const judge = fakeJudge();
    await run(
      scenario([user, agent, judge], [(_s, execution) => execution.proceed(2), (_s, e) => e.succeed()]),
    );

    expect(user.calls.map((call) => texts(call.newMessages))).toEqual([
      [],
      ["agent reply 1a", "agent reply 1b"],
    ]);
    expect(agent.calls.map((call) => texts(call.newMessages))).toEqual([["user line 1"], ["user line 2"]]);
    expect(judge.calls.map((call) => texts(call.newMessages))).toEqual([
      ["user line 1", "agent reply 1a", "agent reply 1b"],
      ["user line 2", "agent reply 2a", "agent reply 2b"],
    ]);
    // Each call also sees the whole conversation.
    expect(texts(judge.calls[1]!.messages)).toHaveLength(6);
  });

  it("queues scripted messages and messages added by steps for every agent", async () => {
    const user = fakeUser();
    const agent = fakeAgentUnderTest();
    await run(
      scenario(
        [user, agent],
        [
          (_s, execution) => execution.user("scripted hello"),
          (_s, execution) => execution.agent("scripted answer"),
          (state) => state.addMessage({ role: "system", content: "a note from the test" }),
          (_s, execution) => execution.user(),
          (_s, execution) => execution.agent(),
          (_s, execution) => execution.succeed(),
        ],
      ),
    );
    expect(texts(user.calls[0]!.newMessages)).toEqual([
      "scripted hello",
      "scripted answer",
      "a note from the test",
    ]);
    expect(texts(agent.calls[0]!.newMessages)).toEqual([
      "scripted hello",
      "scripted answer",
      "a note from the test",
      "user line 1",
    ]);
  });
});

describe("agent returns", () => {
  it("turns a string into a message of the caller's side", async () => {
    const result = await run(
      scenario(
        [fakeUser({ replies: ["from the user"] }), fakeAgentUnderTest({ replies: ["from the agent"] })],
        [(_s, e) => e.user(), (_s, e) => e.agent(), (_s, e) => e.succeed()],
      ),
    );
    expect(result.messages).toEqual([
      { role: "user", content: "from the user" },
      { role: "assistant", content: "from the agent" },
    ]);
  });

  it("appends messages and arrays of messages as given", async () => {
    const toolCall: ModelMessage = {
      role: "assistant",
      content: [{ type: "tool-call", toolCallId: "call-1", toolName: "search", input: { q: "x" } }],
    };
    const toolResult: ModelMessage = {
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "call-1",
          toolName: "search",
          output: { type: "text", value: "found" },
        },
      ],
    };
    const result = await run(
      scenario(
        [fakeAgentUnderTest({ replies: [[toolCall, toolResult], { role: "assistant", content: "done" }] })],
        [(_s, e) => e.agent(), (_s, e) => e.agent(), (_s, e) => e.succeed()],
      ),
    );
    expect(result.messages).toEqual([toolCall, toolResult, { role: "assistant", content: "done" }]);
  });

  it("adds nothing for null or an empty array", async () => {
    const agent = fakeAgentUnderTest({ replies: [null, [], "third"] });
    const result = await run(
      scenario(
        [agent],
        [(_s, e) => e.agent(), (_s, e) => e.agent(), (_s, e) => e.agent(), (_s, e) => e.succeed()],
      ),
    );
    expect(agent.calls).toHaveLength(3);
    expect(texts(result.messages)).toEqual(["third"]);
  });

  it("ends the run when an agent returns a judge result", async () => {
    const agent = fakeAgentUnderTest({ replies: ["one", verdict(true, ["c1"], [], "agent decided")] });
    const result = await run(scenario([agent]));
    expect(result.success).toBe(true);
    expect(result.reasoning).toBe("agent decided");
    expect(agent.calls).toHaveLength(2);
  });

  it.each([
    ["undefined", undefined, /returned undefined/],
    ["a number", 42, /returned 42/],
    ["an unrelated object", { answer: "yes" }, /returned the object \{"answer":"yes"\}/],
    ["an array with a non-message", ["text"], /array whose item 0 is the string "text"/],
    [
      "a verdict without metCriteria",
      { success: true, unmetCriteria: [] },
      /returned the object \{"success":true,"unmetCriteria":\[\]\}/,
    ],
  ])(
    "rejects %s with an InvalidAgentReturnError naming the adapter and the allowed returns",
    async (_label, value, what) => {
      const agent: AgentAdapter = { name: "Sloppy", role: AgentRole.AGENT, call: () => value as never };
      const { error, events } = await executeWithEvents(
        scenario([agent], [(_s, e) => e.agent(), (_s, e) => e.succeed()]),
      );
      expect(error).toBeInstanceOf(InvalidAgentReturnError);
      const message = (error as Error).message;
      expect(message).toContain("[Sloppy]");
      expect(message).toMatch(what);
      expect(message).toContain(
        "Return a string, a message ({ role, content }), an array of messages, a judge result",
      );
      expect(finishedEvent(events).status).toBe("ERROR");
    },
  );

  it("wraps a throwing call in an AgentCallError named after the adapter, keeping the cause", async () => {
    const original = new Error("connection refused");
    const agent: AgentAdapter = {
      name: "Flaky",
      role: AgentRole.AGENT,
      call: () => {
        throw original;
      },
    };
    const { error, events } = await executeWithEvents(scenario([agent], [(_s, e) => e.agent()]));
    expect(error).toBeInstanceOf(AgentCallError);
    expect((error as AgentCallError).message).toBe("[Flaky] connection refused");
    expect((error as AgentCallError).cause).toBe(original);
    expect((error as AgentCallError).agentName).toBe("Flaky");
    const finished = finishedEvent(events);
    expect(finished.status).toBe("ERROR");
    expect(finished.results.error).toBe("[Flaky] connection refused");
  });

  it("passes on an AgentCallError the adapter already named itself, without naming it twice", async () => {
    const own = new AgentCallError("Flaky", "500 model down");
    const agent: AgentAdapter = {
      name: "Flaky",
      role: AgentRole.AGENT,
      call: () => {
        throw own;
      },
    };
    const { error, events } = await executeWithEvents(scenario([agent], [(_s, e) => e.agent()]));
    expect(error).toBe(own);
    expect(finishedEvent(events).results.error).toBe("[Flaky] 500 model down");
  });

  it("names the error type when the message is empty, and the adapter by class or role", async () => {
    class TimeoutError extends Error {}
    class WeatherAgent implements AgentAdapter {
      role = AgentRole.AGENT;
      async call(): Promise<string> {
        throw new TimeoutError();
      }
    }
    await expect(run(scenario([new WeatherAgent()], [(_s, e) => e.agent()]))).rejects.toThrow(
      "[WeatherAgent] TimeoutError",
    );
    const anonymous: AgentAdapter = {
      role: AgentRole.USER,
      call: () => Promise.reject(new Error("no line")),
    };
    await expect(run(scenario([anonymous], [(_s, e) => e.user()]))).rejects.toThrow("[User] no line");
  });
});

describe("script steps", () => {
  it("appends scripted content without calling anyone", async () => {
    const user = fakeUser();
    const agent = fakeAgentUnderTest();
    const result = await run(
      scenario(
        [user, agent],
        [
          (_s, e) => e.user("typed by the test"),
          (_s, e) => e.agent({ role: "assistant", content: [{ type: "text", text: "canned" }] }),
          (_s, e) => e.succeed(),
        ],
      ),
    );
    expect(user.calls).toHaveLength(0);
    expect(agent.calls).toHaveLength(0);
    expect(result.messages).toEqual([
      { role: "user", content: "typed by the test" },
      { role: "assistant", content: [{ type: "text", text: "canned" }] },
    ]);
  });

  it.each([
    ["user", (e: ScenarioExecution) => e.user(), /userSimulatorAgent\(\)/],
    ["judge", (e: ScenarioExecution) => e.judge(), /judgeAgent\(\{ criteria \}\)/],
    ["agent", (e: ScenarioExecution) => e.agent(), /the agent under test/],
  ])(
    "throws a MissingAgentError saying which agent to add when %s() has no agent",
    async (_role, step, remedy) => {
      const execution = new ScenarioExecution(scenario([]));
      const error = await step(execution).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(MissingAgentError);
      expect((error as Error).message).toMatch(remedy);
    },
  );

  it("routes message() by role", async () => {
    const turns: number[] = [];
    const result = await run(
      scenario(
        [fakeAgentUnderTest()],
        [
          (_s, e) => e.message({ role: "system", content: "be brief" }),
          (_s, e) => e.message({ role: "user", content: "hi" }),
          (_s, e) => e.message({ role: "assistant", content: "hello" }),
          (state) => {
            turns.push(state.currentTurn);
          },
          (_s, e) => e.message({ role: "tool", content: [] }),
          (_s, e) => e.message({ role: "assistant", content: "again" }), // the agent side already spoke
          (state) => {
            turns.push(state.currentTurn);
          },
          (_s, e) => e.succeed(),
        ],
      ),
    );
    expect(result.messages.map((message) => message.role)).toEqual([
      "system",
      "user",
      "assistant",
      "tool",
      "assistant",
    ]);
    expect(turns).toEqual([0, 1]);
  });

  it("runs sync and async custom steps, and ends the run when one returns a result", async () => {
    const order: string[] = [];
    const result = await run(
      scenario(
        [],
        [
          () => {
            order.push("sync");
          },
          async () => {
            await new Promise((resolve) => setImmediate(resolve));
            order.push("async");
          },
          (_s, execution) => {
            expect(execution).toBeInstanceOf(ScenarioExecution);
            return {
              success: true,
              reasoning: "custom verdict",
              metCriteria: ["own"],
              unmetCriteria: [],
            } as never;
          },
          () => {
            order.push("never");
          },
        ],
      ),
    );
    expect(order).toEqual(["sync", "async"]);
    expect(result).toMatchObject({
      success: true,
      status: "SUCCESS",
      reasoning: "custom verdict",
      metCriteria: ["own"],
    });
  });
});

describe("judge and checkpoints", () => {
  it("asks for a final verdict with an empty judgment request", async () => {
    const judge = fakeJudge({ replies: [verdict(true, ["greets"], [], "all good")] });
    const result = await run(scenario([judge], [(_s, e) => e.judge()]));
    expect(judge.calls[0]!.judgmentRequest).toEqual({});
    expect(result).toMatchObject({ success: true, reasoning: "all good", metCriteria: ["greets"] });
  });

  it("records passing checkpoints, continues, and prefixes their criteria to the final result", async () => {
    const judge = fakeJudge({
      replies: (input) =>
        input.judgmentRequest?.criteria
          ? {
              ...verdict(true, input.judgmentRequest.criteria),
              criteria: [{ criterion: "x", verdict: "met", reasoning: "r" }],
            }
          : verdict(true, ["final"], [], "final verdict"),
    });
    const returned: unknown[] = [];
    const result = await run(
      scenario(
        [judge],
        [
          async (_s, e) => {
            returned.push(await e.judge({ criteria: ["first"] }));
          },
          (_s, e) => e.judge({ criteria: ["second"] }),
          (_s, e) => e.judge(),
        ],
      ),
    );
    expect(returned).toEqual([null]);
    expect(judge.calls.map((call) => call.judgmentRequest)).toEqual([
      { criteria: ["first"] },
      { criteria: ["second"] },
      {},
    ]);
    expect(result.success).toBe(true);
    expect(result.metCriteria).toEqual(["first", "second", "final"]);
    expect(result.criteria).toHaveLength(2);
  });

  it("ends the run at a failing checkpoint with the criteria of every checkpoint so far", async () => {
    const judge = fakeJudge({
      replies: [verdict(true, ["A"]), verdict(false, ["B"], ["C"], "C was not met")],
    });
    const after = vi.fn();
    const result = await run(
      scenario(
        [judge],
        [
          (_s, e) => e.judge({ criteria: ["A"] }),
          (_s, e) => e.judge({ criteria: ["B", "C"] }),
          after,
          (_s, e) => e.succeed(),
        ],
      ),
    );
    expect(after).not.toHaveBeenCalled();
    expect(result).toMatchObject({
      success: false,
      status: "FAILED",
      reasoning: "C was not met",
      metCriteria: ["A", "B"],
      unmetCriteria: ["C"],
    });
  });

  it("prefixes checkpoint criteria to succeed() and fail() results too", async () => {
    const result = await run(
      scenario([passingJudge()], [(_s, e) => e.judge({ criteria: ["A"] }), (_s, e) => e.fail()]),
    );
    expect(result.metCriteria).toEqual(["A"]);
    expect(result.success).toBe(false);
  });

  it.each([
    ["null", null],
    ["a message", "I think it went fine"],
  ])("treats %s in answer to a judgment request as an error, never a pass", async (_label, reply) => {
    const { result, events } = await executeWithEvents(
      scenario(
        [fakeJudge({ name: "LazyJudge", replies: [reply] })],
        [(_s, e) => e.judge(), (_s, e) => e.succeed()],
      ),
    );
    expect(result?.success).toBe(false);
    expect(result?.status).toBe("ERROR");
    expect(result?.error).toMatch(/\[LazyJudge\] gave no verdict/);
    expect(finishedEvent(events).status).toBe("ERROR");
  });

  it("reports a judge result carrying an error with status ERROR", async () => {
    const result = await run(
      scenario(
        [fakeJudge({ replies: [{ ...verdict(true), error: "model unavailable" }] })],
        [(_s, e) => e.judge()],
      ),
    );
    expect(result).toMatchObject({ success: false, status: "ERROR", error: "model unavailable" });
  });
});

describe("proceed", () => {
  it("runs until the judge gives a verdict, and returns it", async () => {
    const judge = fakeJudge({ replies: [null, verdict(true, ["ok"], [], "seen enough")] });
    const agent = fakeAgentUnderTest();
    const returned: unknown[] = [];
    const result = await run(
      scenario(
        [fakeUser(), agent, judge],
        [
          async (_s, e) => {
            const outcome = await e.proceed();
            returned.push(outcome);
            return outcome;
          },
        ],
      ),
    );
    expect(agent.calls).toHaveLength(2);
    expect(result.reasoning).toBe("seen enough");
    expect(returned[0]).toBe(result);
  });

  it("runs the given number of turns, calling onTurn at each new turn and onStep after each call", async () => {
    const user = fakeUser();
    const agent = fakeAgentUnderTest();
    const onTurnSeen: number[] = [];
    const onStepSeen: number[] = [];
    const returned: unknown[] = [];
    await run(
      scenario(
        [user, agent],
        [
          async (_s, e) => {
            returned.push(
              await e.proceed(
                3,
                async (state) => {
                  await new Promise((resolve) => setImmediate(resolve));
                  onTurnSeen.push(state.currentTurn);
                },
                async (state) => {
                  await new Promise((resolve) => setImmediate(resolve));
                  onStepSeen.push(state.messages.length);
                },
              ),
            );
          },
          (_s, e) => e.succeed(),
        ],
      ),
    );
    expect(returned).toEqual([null]);
    expect(agent.calls.map((call) => call.turn)).toEqual([0, 1, 2]);
    expect(onTurnSeen).toEqual([1, 2]);
    expect(onStepSeen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("stops when onTurn or onStep ends the run", async () => {
    const agent = fakeAgentUnderTest();
    const byTurn = await run(
      scenario(
        [agent],
        [
          (_s, e) =>
            e.proceed(5, async (state) => {
              if (state.currentTurn === 2) await e.succeed("enough");
            }),
        ],
      ),
    );
    expect(byTurn.reasoning).toBe("enough");
    expect(agent.calls).toHaveLength(2);
    const byStep = await run(
      scenario(
        [fakeAgentUnderTest()],
        [
          (_s, e) =>
            e.proceed(5, undefined, async () => {
              await e.fail("stop");
            }),
        ],
      ),
    );
    expect(byStep).toMatchObject({ success: false, reasoning: "stop" });
    expect(byStep.messages).toHaveLength(1);
  });

  it("counts the current turn when agents are left to act in it", async () => {
    const user = fakeUser();
    const agent = fakeAgentUnderTest();
    await run(
      scenario(
        [user, agent],
        [(_s, e) => e.user("hi"), (_s, e) => e.proceed(1), (_s, e) => e.proceed(1), (_s, e) => e.succeed()],
      ),
    );
    // proceed(1) finishes turn 0 (the agent answers), the next proceed(1) plays turn 1.
    expect(agent.calls.map((call) => call.turn)).toEqual([0, 1]);
    expect(user.calls.map((call) => call.turn)).toEqual([1]);
  });
});

describe("ending", () => {
  it("ends at once with succeed() or fail(), naming the step in the default reasoning", async () => {
    const after = vi.fn();
    const passed = await run(scenario([], [(_s, e) => e.succeed(), after]));
    expect(passed).toMatchObject({
      success: true,
      status: "SUCCESS",
      reasoning: "Scenario ended by succeed() in the script",
    });
    const failed = await run(scenario([], [(_s, e) => e.fail(), after]));
    expect(failed).toMatchObject({
      success: false,
      status: "FAILED",
      reasoning: "Scenario ended by fail() in the script",
    });
    expect(after).not.toHaveBeenCalled();
  });

  it("ends the run when succeed() is called inside a custom step, even if not returned", async () => {
    const after = vi.fn();
    const result = await run(
      scenario(
        [],
        [
          async (_s, e) => {
            await e.succeed("inside");
          },
          after,
        ],
      ),
    );
    expect(result.reasoning).toBe("inside");
    expect(after).not.toHaveBeenCalled();
  });

  it("fails a script that ends without a verdict, listing the remedies", async () => {
    const result = await run(
      scenario([fakeAgentUnderTest()], [(_s, e) => e.user("hi"), (_s, e) => e.agent()]),
    );
    expect(result.success).toBe(false);
    expect(result.status).toBe("FAILED");
    expect(result.reasoning).toContain("`judge()`");
    expect(result.reasoning).toContain("`succeed()` or `fail()`");
    expect(result.reasoning).toContain("`maxTurns`");
  });

  it("compiles the result from the checkpoints when a script without a verdict ran some", async () => {
    const result = await run(scenario([passingJudge()], [(_s, e) => e.judge({ criteria: ["A", "B"] })]));
    expect(result).toMatchObject({
      success: true,
      status: "SUCCESS",
      metCriteria: ["A", "B"],
      unmetCriteria: [],
    });
  });

  it("runs [proceed()] without a script", async () => {
    const judge = fakeJudge({ replies: [null, verdict(true, ["ok"], [], "done")] });
    const user = fakeUser();
    const result = await run(scenario([user, fakeAgentUnderTest(), judge]));
    expect(result.reasoning).toBe("done");
    expect(user.calls).toHaveLength(2);
  });
});

describe("assertions", () => {
  it("rejects with the original error and reports ERROR with the message among the unmet criteria", async () => {
    const assertion = new Error("expected 'hi' to be 'hello'");
    const { error, events } = await executeWithEvents(
      scenario(
        [passingJudge()],
        [
          (_s, e) => e.judge({ criteria: ["A"] }),
          () => {
            throw assertion;
          },
          (_s, e) => e.succeed(),
        ],
      ),
    );
    expect(error).toBe(assertion);
    const finished = finishedEvent(events);
    expect(finished.status).toBe("ERROR");
    expect(finished.results.verdict).toBe("failure");
    expect(finished.results.unmetCriteria).toContain("expected 'hi' to be 'hello'");
    expect(finished.results.metCriteria).toEqual(["A"]);
    expect(finished.results.error).toBe("expected 'hi' to be 'hello'");
  });
});

describe("non-blocking agent turns", () => {
  function gatedAgent() {
    let open: (reply: string) => void = () => undefined;
    const agent = fakeAgentUnderTest({
      replies: () =>
        new Promise<string>((resolve) => {
          open = resolve;
        }),
    });
    return { agent, open: (reply: string) => open(reply) };
  }

  it("starts the agent turn and lets the next blocking step wait for it", async () => {
    const { agent, open } = gatedAgent();
    const seen: string[] = [];
    const result = await run(
      scenario(
        [agent],
        [
          (_s, e) => e.user("hi"),
          (_s, e) => e.agent({ wait: false }),
          (state) => {
            seen.push(`messages while in flight: ${state.messages.length}`);
            setTimeout(() => open("late reply"), 20).unref();
          },
          (_s, e) => e.user("next"),
          (_s, e) => e.succeed(),
        ],
      ),
    );
    expect(seen).toEqual(["messages while in flight: 1"]);
    expect(texts(result.messages)).toEqual(["hi", "late reply", "next"]);
  });

  it("lets a barge-in interrupt the in-flight call, then the next user() proceeds", async () => {
    let interrupt: () => void = () => undefined;
    const voiceAgent = {
      name: "FakeVoice",
      role: AgentRole.AGENT,
      call: () =>
        new Promise<string>((resolve) => {
          interrupt = () => resolve("Sure, our opening hours are—");
        }),
      interrupt: () => interrupt(),
    };
    const result = await run(
      scenario(
        [voiceAgent],
        [
          (_s, e) => e.user("When are you open?"),
          async (_s, e) => e.agentNonBlocking?.(),
          () => voiceAgent.interrupt(),
          (_s, e) => e.user("Sorry, on Sundays?"),
          (_s, e) => e.succeed(),
        ],
      ),
    );
    expect(texts(result.messages)).toEqual([
      "When are you open?",
      "Sure, our opening hours are—",
      "Sorry, on Sundays?",
    ]);
  });

  it("user() barges in: it interrupts the in-flight turn's adapter instead of waiting for the reply", async () => {
    let cut: () => void = () => undefined;
    const interrupts: string[] = [];
    const voiceAgent = {
      name: "FakeVoice",
      role: AgentRole.AGENT,
      // Connecting takes a while, so the turn enters call() well after agent({ wait: false })
      // returned: the barge-in must wait for call() to start before interrupting it.
      connect: () => sleep(30),
      call: () =>
        new Promise<string>((resolve) => {
          cut = () => resolve("Sure, our opening hours are—");
        }),
      interrupt: () => {
        interrupts.push("interrupt");
        cut();
      },
    };
    const result = await run(
      scenario(
        [voiceAgent],
        [
          (_s, e) => e.user("When are you open?"),
          (_s, e) => e.agent({ wait: false }),
          (_s, e) => e.user("Sorry, on Sundays?"),
          (_s, e) => e.succeed(),
        ],
      ),
    );
    expect(interrupts).toEqual(["interrupt"]);
    expect(texts(result.messages)).toEqual([
      "When are you open?",
      "Sure, our opening hours are—",
      "Sorry, on Sundays?",
    ]);
  });

  it("a user message() barges in too, while agent() and judge() wait politely", async () => {
    const interrupts: string[] = [];
    let finish: () => void = () => undefined;
    const voiceAgent = {
      name: "FakeVoice",
      role: AgentRole.AGENT,
      call: () =>
        new Promise<string>((resolve) => {
          finish = () => resolve("reply");
        }),
      interrupt: () => {
        interrupts.push("interrupt");
        finish();
      },
    };
    await run(
      scenario(
        [voiceAgent],
        [
          (_s, e) => e.user("hi"),
          (_s, e) => e.agent({ wait: false }),
          (_s, e) => e.message({ role: "user", content: "wait" }),
          (_s, e) => e.agent({ wait: false }),
          () => {
            setTimeout(() => finish(), 20).unref();
          },
          (_s, e) => e.agent("scripted"),
          (_s, e) => e.succeed(),
        ],
      ),
    );
    expect(interrupts).toEqual(["interrupt"]);
  });

  it("user() waits for the reply of an agent that cannot be interrupted", async () => {
    const { agent, open } = gatedAgent();
    const result = await run(
      scenario(
        [agent],
        [
          (_s, e) => e.user("hi"),
          (_s, e) => e.agent({ wait: false }),
          () => {
            setTimeout(() => open("whole reply"), 20).unref();
          },
          (_s, e) => e.user("next"),
          (_s, e) => e.succeed(),
        ],
      ),
    );
    expect(texts(result.messages)).toEqual(["hi", "whole reply", "next"]);
  });

  it("fails the run naming the adapter when its interrupt() throws", async () => {
    let finish: () => void = () => undefined;
    const voiceAgent = {
      name: "BrokenVoice",
      role: AgentRole.AGENT,
      call: () =>
        new Promise<string>((resolve) => {
          finish = () => resolve("reply");
        }),
      interrupt: () => {
        finish();
        throw new Error("socket gone");
      },
    };
    await expect(
      run(
        scenario(
          [voiceAgent],
          [
            (_s, e) => e.user("hi"),
            (_s, e) => e.agent({ wait: false }),
            (_s, e) => e.user("stop"),
            (_s, e) => e.succeed(),
          ],
        ),
      ),
    ).rejects.toThrow("[BrokenVoice] interrupt() failed: socket gone");
  });

  it("refuses a second non-blocking turn while one is in flight, saying how to fix the script", async () => {
    const { agent, open } = gatedAgent();
    const outcome = run(
      scenario(
        [agent],
        [
          (_s, e) => e.agent({ wait: false }),
          async (_s, e) => {
            setTimeout(() => open("reply"), 10).unref();
            await e.agent({ wait: false });
          },
        ],
      ),
    );
    await expect(outcome).rejects.toBeInstanceOf(ScriptError);
    await expect(outcome).rejects.toThrow(/Await it with a blocking step/);
  });

  it("surfaces a failure of the in-flight turn at the next blocking step", async () => {
    const failing: AgentAdapter = {
      name: "Crashy",
      role: AgentRole.AGENT,
      call: () => Promise.reject(new Error("boom")),
    };
    const reached: string[] = [];
    const outcome = run(
      scenario(
        [failing],
        [
          (_s, e) => e.agent({ wait: false }),
          () => {
            reached.push("custom step runs meanwhile");
          },
          (_s, e) => e.user("next"),
          () => {
            reached.push("after the blocking step");
          },
        ],
      ),
    );
    await expect(outcome).rejects.toThrow("[Crashy] boom");
    expect(reached).toEqual(["custom step runs meanwhile"]);
  });

  it("surfaces a failure of the in-flight turn at the end of the script", async () => {
    const failing: AgentAdapter = {
      name: "Crashy",
      role: AgentRole.AGENT,
      call: () => Promise.reject(new Error("late boom")),
    };
    const { error, events } = await executeWithEvents(
      scenario([failing], [(_s, e) => e.agent({ wait: false })]),
    );
    expect(error).toBeInstanceOf(AgentCallError);
    expect((error as Error).message).toBe("[Crashy] late boom");
    expect(finishedEvent(events).status).toBe("ERROR");
  });
});

describe("lifecycle", () => {
  function lifecycleAgent(log: string[], name: string, overrides: Partial<AgentAdapter> = {}): AgentAdapter {
    return {
      name,
      role: AgentRole.AGENT,
      connect: (context) => {
        log.push(`${name}.connect(${context.threadId === undefined ? "?" : "thread"})`);
      },
      call: () => {
        log.push(`${name}.call`);
        return "reply";
      },
      collectArtifacts: () => {
        log.push(`${name}.collectArtifacts`);
        return { [`${name}-recording`]: "bytes" };
      },
      disconnect: () => {
        log.push(`${name}.disconnect`);
      },
      ...overrides,
    };
  }

  it("connects before the first step, collects artifacts, then disconnects", async () => {
    const log: string[] = [];
    const result = await run(
      scenario(
        [lifecycleAgent(log, "A")],
        [
          () => {
            log.push("step 1");
          },
          (_s, e) => e.agent(),
          (_s, e) => {
            e.setArtifact?.("latency", { p50: 120 });
            return e.succeed();
          },
        ],
      ),
    );
    expect(log).toEqual(["A.connect(thread)", "step 1", "A.call", "A.collectArtifacts", "A.disconnect"]);
    expect(result.artifacts).toEqual({ "A-recording": "bytes", latency: { p50: 120 } });
  });

  it("disconnects after an error too", async () => {
    const log: string[] = [];
    const outcome = run(
      scenario(
        [lifecycleAgent(log, "A")],
        [
          () => {
            throw new Error("step failed");
          },
        ],
      ),
    );
    await expect(outcome).rejects.toThrow("step failed");
    expect(log.at(-1)).toBe("A.disconnect");
  });

  it("logs a failing disconnect or collectArtifacts with the adapter's name and keeps the result", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const log: string[] = [];
    const result = await run(
      scenario(
        [
          lifecycleAgent(log, "Broken", {
            disconnect: () => Promise.reject(new Error("socket already closed")),
            collectArtifacts: () => {
              throw new Error("no recording");
            },
          }),
          lifecycleAgent(log, "Fine"),
        ],
        [(_s, e) => e.succeed("passed")],
      ),
    );
    expect(result).toMatchObject({
      success: true,
      reasoning: "passed",
      artifacts: { "Fine-recording": "bytes" },
    });
    expect(log).toContain("Fine.disconnect");
    const warnings = warn.mock.calls.map((call) => String(call[0]));
    expect(warnings.some((text) => text.includes("Broken.disconnect() failed"))).toBe(true);
    expect(warnings.some((text) => text.includes("Broken.collectArtifacts() failed"))).toBe(true);
  });

  it("fails the run when connect() fails, and still disconnects", async () => {
    const log: string[] = [];
    const outcome = run(
      scenario(
        [
          lifecycleAgent(log, "NoSocket", {
            connect: () => Promise.reject(new Error("ECONNREFUSED")),
          }),
        ],
        [(_s, e) => e.succeed()],
      ),
    );
    await expect(outcome).rejects.toThrow("[NoSocket] connect() failed: ECONNREFUSED");
    expect(log).toEqual(["NoSocket.collectArtifacts", "NoSocket.disconnect"]);
  });

  it("can be driven step by step, connecting on the first step", async () => {
    const log: string[] = [];
    const execution = new ScenarioExecution(scenario([lifecycleAgent(log, "A")]));
    await execution.user("hi");
    await execution.agent();
    expect(log).toEqual(["A.connect(thread)", "A.call"]);
    expect(texts(execution.messages)).toEqual(["hi", "reply"]);
    const result = await execution.succeed();
    expect(result.success).toBe(true);
  });
});

describe("the agent input", () => {
  it("carries the thread, the role asked for, the state and the config with its defaults", async () => {
    const agent = fakeAgentUnderTest();
    await run(scenario([agent], [(_s, e) => e.agent(), (_s, e) => e.succeed()], { threadId: "thread-42" }));
    const input: AgentInput = agent.calls[0]!.input;
    expect(input.threadId).toBe("thread-42");
    expect(input.requestedRole).toBe(AgentRole.AGENT);
    expect(input.judgmentRequest).toBeUndefined();
    expect(input.scenarioConfig.maxTurns).toBe(10);
    expect(input.scenarioState.threadId).toBe("thread-42");
    expect(input.scenarioState.config.maxTurns).toBe(10);
    expect(input.scenarioState.config.id).toBe("test-scenario");
    expect(input.signal).toBeInstanceOf(AbortSignal);
    expect(textOf(input.scenarioState.lastAgentMessage())).toBe("agent reply 1");
  });
});
