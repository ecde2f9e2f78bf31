import { run } from "@scenario/core";
import {
  AGENT_SPECIFICATION_VERSION,
  type AgentAdapter,
  AgentCallError,
  type AgentInput,
  AgentRole,
  type AgentStreamPart,
  type ScenarioConfig,
} from "@scenario/spec";
import { describe, expect, it } from "vitest";
import {
  AdapterConformanceError,
  type AdapterConformanceOptions,
  adapterConformanceChecks,
  createAgentInput,
  describeAdapterConformance,
} from "./index";

const SECRET = "sk-conformance-secret-123";

/** A well-behaved adapter: echoes the last message, keeps what it received, reports usage. */
function echoAgent(options: { fail?: boolean; log?: string[] } = {}): AgentAdapter {
  let connected = false;
  let stopReply: (() => void) | undefined;
  return {
    specificationVersion: AGENT_SPECIFICATION_VERSION,
    role: AgentRole.AGENT,
    name: "EchoAgent",
    connect: () => {
      connected = true;
    },
    disconnect: () => {
      connected = false;
      stopReply?.();
    },
    interrupt: () => stopReply?.(),
    async call(input: AgentInput) {
      if (!connected) throw new AgentCallError("EchoAgent", "call() before connect()");
      for (const message of input.newMessages) options.log?.push(String(message.content));
      if (options.fail) {
        throw new AgentCallError("EchoAgent", "the model server answered 500", {
          cause: new Error("HTTP 500"),
        });
      }
      const text = String(input.messages.at(-1)?.content);
      if (text.includes("interrupt")) await new Promise<void>((resolve) => (stopReply = resolve));
      input.recordUsage({ inputTokens: 3, outputTokens: 2 });
      return [{ role: "assistant", content: `echo: ${text}` }];
    },
  };
}

/** The same adapter with one part replaced, to break one rule at a time. */
function brokenAgent(overrides: Partial<AgentAdapter>, options: { fail?: boolean; log?: string[] } = {}) {
  return () => ({ ...echoAgent(options), ...overrides }) as AgentAdapter;
}

async function failureOf(
  createAdapter: () => AgentAdapter,
  checkName: string,
  options: AdapterConformanceOptions = {},
): Promise<unknown> {
  const check = adapterConformanceChecks(createAdapter, options).find((candidate) =>
    candidate.name.startsWith(checkName),
  );
  if (!check) throw new Error(`no check named "${checkName}"`);
  expect(check.skip).toBeUndefined();
  return check.run().then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("the conformance suite on a well-behaved adapter", () => {
  const log: string[] = [];
  describeAdapterConformance(() => echoAgent({ log }), {
    title: "echo agent",
    name: "EchoAgent",
    failing: () => echoAgent({ fail: true }),
    reportsUsage: true,
    received: () => log.join("\n"),
    secrets: [SECRET],
    interruptSettleMs: 2_000,
    returnShapes: [
      {
        name: "one assistant message",
        expect: (messages) => {
          expect(messages).toHaveLength(1);
          expect(messages[0]).toMatchObject({ role: "assistant", content: expect.stringMatching(/^echo: /) });
        },
      },
    ],
    run,
  });
});

describe("the conformance suite fails a broken adapter", () => {
  it("without a specification version", async () => {
    const error = await failureOf(brokenAgent({ specificationVersion: undefined }), "declares its role");
    expect(error).toBeInstanceOf(AdapterConformanceError);
    expect(String(error)).toContain('specificationVersion: "scenario.agent.v1"');
  });

  it("with another role or name than expected", async () => {
    expect(String(await failureOf(brokenAgent({ role: AgentRole.JUDGE }), "declares its role"))).toContain(
      'role is "Judge"',
    );
    expect(String(await failureOf(brokenAgent({ name: "" }), "declares its role"))).toContain(
      "declares no name",
    );
    expect(String(await failureOf(() => echoAgent(), "declares its role", { name: "OtherAgent" }))).toContain(
      'expected "OtherAgent"',
    );
  });

  it("returning something that is not an AgentReturn", async () => {
    const error = await failureOf(brokenAgent({ call: () => ({ answer: 42 }) as never }), "returns a valid");
    expect(String(error)).toContain('returned {"answer":42}');
  });

  it("answering with a user message as the agent under test", async () => {
    const error = await failureOf(
      brokenAgent({ call: () => ({ role: "user", content: "hi" }) }),
      "returns a valid",
    );
    expect(String(error)).toContain("returned a user message");
  });

  it("whose return shape case does not hold", async () => {
    const error = await failureOf(() => echoAgent(), "normalises the framework's answer: two messages", {
      returnShapes: [{ name: "two messages", expect: (messages) => expect(messages).toHaveLength(2) }],
    });
    expect(String(error)).toContain("expected [ { role: 'assistant'");
  });

  it("passing on only the first message instead of the new ones", async () => {
    const log: string[] = [];
    const onlyFirst = brokenAgent({
      call: (input) => {
        log.push(String(input.messages[0]?.content));
        return "ok";
      },
    });
    const error = await failureOf(onlyFirst, "takes the messages added", { received: () => log.join("\n") });
    expect(String(error)).toMatch(/never received "conformance-second-/);
  });

  it("whose disconnect() throws after a failed call", async () => {
    const throwsOnFailure = (): AgentAdapter => {
      const adapter = echoAgent({ fail: true });
      return {
        ...adapter,
        disconnect: () => {
          throw new Error("socket already destroyed");
        },
      };
    };
    const error = await failureOf(() => echoAgent(), "is connected and disconnected", {
      failing: throwsOnFailure,
    });
    expect(String(error)).toContain("disconnect() threw after a failed call: socket already destroyed");
  });

  it("whose call() keeps going after interrupt()", async () => {
    let release: (() => void) | undefined;
    const deaf = brokenAgent({
      interrupt: () => undefined,
      disconnect: () => release?.(),
      call: (input) =>
        String(input.messages.at(-1)?.content).includes("interrupt")
          ? new Promise<string>((resolve) => (release = () => resolve("late")))
          : "ok",
    });
    const error = await failureOf(deaf, "stops its reply", { interruptSettleMs: 50 });
    expect(String(error)).toContain("had not settled 50 ms after interrupt()");
  });

  it("declaring usage it never records", async () => {
    const error = await failureOf(brokenAgent({ call: () => "no usage" }), "reports token usage", {
      reportsUsage: true,
    });
    expect(String(error)).toContain("declares usage but recorded []");
  });

  it("streaming parts that are not text deltas or messages, or text its messages do not say", async () => {
    const streaming = (parts: unknown[]) =>
      brokenAgent({
        async *stream() {
          yield* parts as AgentStreamPart[];
        },
      });
    const answer = { type: "message", message: { role: "assistant", content: "Hello there." } };
    const spelled = [
      { type: "text-delta", text: "Hello " },
      { type: "text-delta", text: "there." },
    ];
    expect(await failureOf(streaming([...spelled, answer]), "streams the reply")).toBeUndefined();
    expect(
      String(await failureOf(streaming([{ type: "text", value: "Hello" }, answer]), "streams")),
    ).toContain('stream() yielded {"type":"text","value":"Hello"}');
    expect(String(await failureOf(streaming([spelled[0], answer]), "streams"))).toContain(
      'deltas spell "Hello " but its assistant messages say "Hello there."',
    );
    expect(String(await failureOf(streaming(spelled), "streams"))).toContain("stream() yielded no message");
  });

  it("throwing a plain Error instead of an AgentCallError", async () => {
    const raw = brokenAgent({
      call: () => {
        throw new Error("HTTP 500");
      },
    });
    const error = await failureOf(() => echoAgent(), "surfaces a failed call", { failing: raw });
    expect(String(error)).toContain("threw Error instead of an AgentCallError");
  });

  it("naming another adapter, or dropping the cause, in its AgentCallError", async () => {
    const wrongName = brokenAgent({
      call: () => {
        throw new AgentCallError("SomeoneElse", "failed", { cause: new Error("x") });
      },
    });
    expect(String(await failureOf(() => echoAgent(), "surfaces", { failing: wrongName }))).toContain(
      'names "SomeoneElse"',
    );
    const noCause = brokenAgent({
      call: () => {
        throw new AgentCallError("EchoAgent", "failed");
      },
    });
    expect(String(await failureOf(() => echoAgent(), "surfaces", { failing: noCause }))).toContain(
      "no `cause`",
    );
  });

  it("showing a secret in its error", async () => {
    const leaky = brokenAgent({
      call: () => {
        throw new AgentCallError("EchoAgent", "failed", { cause: new Error(`bad key Bearer ${SECRET}`) });
      },
    });
    const error = await failureOf(() => echoAgent(), "surfaces", { failing: leaky, secrets: [SECRET] });
    expect(String(error)).toContain("shows a secret (in its");
    expect(String(error)).not.toContain(SECRET);
  });

  it("when the executor does not disconnect it", async () => {
    const forgetful = async (config: ScenarioConfig) => {
      const [adapter] = config.agents;
      await adapter?.connect?.({ scenarioConfig: config, threadId: "t" });
      return run({ ...config, agents: [{ ...adapter!, connect: undefined, disconnect: undefined }] });
    };
    const error = await failureOf(() => echoAgent(), "runs a one-turn scenario", { run: forgetful });
    expect(String(error)).toContain("connect() 1 and disconnect() 0 time(s)");
  });

  it("skips the checks whose options are missing, saying which option", () => {
    const checks = adapterConformanceChecks(() => echoAgent());
    const skipped = checks.filter((check) => check.skip !== undefined).map((check) => check.skip);
    expect(skipped).toEqual(
      expect.arrayContaining([
        expect.stringContaining("`reportsUsage: true`"),
        expect.stringContaining("no `failing` adapter given"),
        expect.stringContaining("no `run` given"),
      ]),
    );
  });
});

describe("createAgentInput", () => {
  it("collects recorded usage and answers state queries from the messages", () => {
    const input = createAgentInput({
      messages: [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: [{ type: "tool-call", toolCallId: "c1", toolName: "lookup", input: { id: 1 } }],
        },
      ],
    });
    input.recordUsage({ inputTokens: 1, outputTokens: 2 });
    expect(input.recordedUsage).toEqual([{ inputTokens: 1, outputTokens: 2 }]);
    expect(input.newMessages).toHaveLength(2);
    expect(input.scenarioState.hasToolCall("lookup")).toBe(true);
    expect(input.scenarioState.lastToolCallPart("lookup")?.input).toEqual({ id: 1 });
    expect(input.scenarioState.lastUserMessage()?.content).toBe("hi");
  });
});
