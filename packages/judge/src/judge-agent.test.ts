import { createOpenAI } from "@ai-sdk/openai";
import { configureScenarioLLM } from "@scenario/llm";
import {
  type AgentInput,
  AgentRole,
  ConfigurationError,
  JudgeError,
  type JudgeResult,
  type JudgmentRequest,
  type ModelMessage,
  type TokenUsage,
} from "@scenario/spec";
import {
  type FakeJudgeDecision,
  type FakeModelRequest,
  type FakeOpenAIServer,
  type FakeReplyInput,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
} from "@scenario/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { judgeAgent } from "./judge-agent";

const CRITERIA = ["The agent greets the user", "The agent asks for the order number"];
const CONVERSATION: ModelMessage[] = [
  { role: "user", content: "hi, my parcel never arrived" },
  {
    role: "assistant",
    content: [
      { type: "text", text: "Hello! Sorry to hear that. What is your order number?" },
      { type: "tool-call", toolCallId: "c1", toolName: "lookup_customer", input: { email: "a@b.c" } },
    ],
  },
];

let server: FakeOpenAIServer;
let model: ReturnType<ReturnType<typeof createOpenAI>>;
let judgeReply: (request: FakeModelRequest) => FakeReplyInput | Promise<FakeReplyInput>;

beforeAll(async () => {
  server = await startFakeOpenAIServer({ reply: (request) => judgeReply(request) });
  model = createOpenAI({ apiKey: "test-key", baseURL: server.baseURL })("gpt-test");
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.reset();
  configureScenarioLLM({ retry: undefined });
});

function decideWith(decide: (request: FakeModelRequest) => FakeJudgeDecision) {
  judgeReply = scenarioBehaviour({ judge: judgeBehaviour({ decide: ({ request }) => decide(request) }) });
}

function reply(...replies: FakeReplyInput[]) {
  let index = 0;
  judgeReply = () => replies[Math.min(index++, replies.length - 1)]!;
}

/** An AgentInput as core hands it to the judge, without core. */
function agentInput(
  overrides: {
    turn?: number;
    maxTurns?: number;
    judgmentRequest?: JudgmentRequest;
    messages?: ModelMessage[];
  } = {},
) {
  const messages = overrides.messages ?? CONVERSATION;
  const usage: TokenUsage[] = [];
  const scenarioConfig = {
    name: "refund",
    description: "A customer whose parcel never arrived asks for help.",
    agents: [],
    maxTurns: overrides.maxTurns ?? 10,
  };
  const input = {
    threadId: "thread-1",
    messages,
    newMessages: messages,
    requestedRole: AgentRole.JUDGE,
    judgmentRequest: overrides.judgmentRequest,
    scenarioState: { currentTurn: overrides.turn ?? 0, messages, description: scenarioConfig.description },
    scenarioConfig,
    recordUsage: (tokens: TokenUsage) => usage.push(tokens),
  } as unknown as AgentInput;
  return { input, usage };
}

async function judge(
  options: Parameters<typeof judgeAgent>[0],
  overrides: Parameters<typeof agentInput>[0] = {},
) {
  const { input, usage } = agentInput(overrides);
  const result = (await judgeAgent({ model, ...options }).call(input)) as JudgeResult | null;
  return { result, usage };
}

const toolChoices = () => server.requests.map((entry) => entry.request?.toolChoice);

describe("judgeAgent over HTTP", () => {
  it("sends the scenario, the criteria and a compact transcript, with the judge role header", async () => {
    decideWith(() => "continue");
    const { result } = await judge({ criteria: CRITERIA });
    expect(result).toBeNull();
    const [entry] = server.requests;
    expect(entry?.headers["x-scenario-role"]).toBe("judge");
    const request = entry!.request!;
    expect(request.toolChoice).toBe("required");
    expect(request.tools.map((tool) => tool.name).sort()).toEqual(["continue_test", "finish_test"]);
    const finish = request.tools.find((tool) => tool.name === "finish_test")!;
    expect(
      (
        finish.parameters as {
          properties: { verdicts: { items: { properties: { criterion: { enum: string[] } } } } };
        }
      ).properties.verdicts.items.properties.criterion.enum,
    ).toEqual(CRITERIA);
    expect(request.messages.map((message) => message.role)).toEqual(["system", "user"]);
    const [system, user] = request.messages;
    expect(system?.content).toContain("A customer whose parcel never arrived asks for help.");
    expect(system?.content).toContain("1. The agent greets the user\n2. The agent asks for the order number");
    expect(user?.content).toContain("User: hi, my parcel never arrived");
    expect(user?.content).toContain('Agent called tool lookup_customer({"email":"a@b.c"})');
    expect(user?.content).not.toContain("parcel never arrived asks for help");
  });

  it("reads voice turns by their transcripts, and sends their audio only when asked", async () => {
    decideWith(() => "continue");
    const wavBase64 = Buffer.from("RIFF-fake-wav-bytes").toString("base64");
    const voiceConversation: ModelMessage[] = [
      {
        role: "user",
        content: [
          { type: "text", text: "I want to check my balance" },
          { type: "file", mediaType: "audio/wav", data: wavBase64 },
        ],
      },
    ];
    const chatModel = createOpenAI({ apiKey: "test-key", baseURL: server.baseURL }).chat("gpt-test");
    const { input } = agentInput({ messages: voiceConversation });
    await judgeAgent({ model: chatModel, criteria: CRITERIA }).call(input);
    const textOnly = JSON.stringify(server.requests[0]?.body);
    expect(textOnly).toContain("User: I want to check my balance");
    expect(textOnly).not.toContain(wavBase64);
    expect(textOnly).not.toContain("[audio");

    await judgeAgent({ model: chatModel, criteria: CRITERIA, audio: true }).call(input);
    const withAudio = server.requests[1]?.body as { messages: Array<{ content: unknown }> };
    const parts = withAudio.messages.at(-1)?.content as Array<{
      type: string;
      input_audio?: { data: string };
    }>;
    expect(parts.map((part) => part.type)).toEqual(["text", "text", "input_audio"]);
    expect(parts[2]?.input_audio?.data).toBe(wavBase64);
  });

  it("keeps the system prompt identical as the conversation grows, so the prefix can be cached", async () => {
    decideWith(() => "continue");
    await judge({ criteria: CRITERIA }, { messages: CONVERSATION.slice(0, 1) });
    await judge({ criteria: CRITERIA });
    const [first, second] = server.requests.map((entry) => entry.request!.messages);
    expect(first?.[0]).toEqual(second?.[0]);
    expect(first?.[1]?.content).not.toEqual(second?.[1]?.content);
  });

  it("returns a passing verdict with per-criterion reasoning when every criterion is met", async () => {
    decideWith(() => ({ reasoning: "Greeted and asked.", defaultVerdict: "met" }));
    const { result } = await judge({ criteria: CRITERIA });
    expect(result).toMatchObject({ success: true, metCriteria: CRITERIA, unmetCriteria: [] });
    expect(result?.reasoning).toBe("Greeted and asked.");
    expect(result?.criteria).toHaveLength(2);
  });

  it("fails naming the unmet criterion", async () => {
    decideWith(() => ({
      verdicts: { "The agent asks for the order number": { verdict: "unmet", reasoning: "It never asked." } },
    }));
    const { result } = await judge({ criteria: CRITERIA });
    expect(result?.success).toBe(false);
    expect(result?.unmetCriteria).toEqual(["The agent asks for the order number"]);
    expect(result?.criteria?.[1]?.reasoning).toBe("It never asked.");
  });

  it("matches verdicts that come back out of order by their text", async () => {
    reply({
      toolCalls: [
        {
          name: "finish_test",
          arguments: {
            reasoning: "r",
            verdicts: [
              { criterion: "The agent asks for the order number", verdict: "unmet", reasoning: "no ask" },
              { criterion: "The agent greets the user", verdict: "met", reasoning: "hello" },
            ],
          },
        },
      ],
    });
    const { result } = await judge({ criteria: CRITERIA });
    expect(result?.metCriteria).toEqual(["The agent greets the user"]);
    expect(result?.unmetCriteria).toEqual(["The agent asks for the order number"]);
  });

  it("continues while a criterion is inconclusive, and counts it unmet at the last turn", async () => {
    decideWith(() => ({ verdicts: { "The agent asks for the order number": "inconclusive" } }));
    expect((await judge({ criteria: CRITERIA }, { turn: 3, maxTurns: 10 })).result).toBeNull();
    const { result } = await judge({ criteria: CRITERIA }, { turn: 9, maxTurns: 10 });
    expect(result?.success).toBe(false);
    expect(result?.unmetCriteria).toEqual(["The agent asks for the order number"]);
    expect(result?.criteria?.[1]?.reasoning).toMatch(
      /^Inconclusive, counted as unmet because a verdict was required/,
    );
    expect(toolChoices()).toEqual(["required", { type: "tool", toolName: "finish_test" }]);
  });

  it("forces finish_test on an explicit judge() and checks an inline checkpoint's own criteria", async () => {
    decideWith(() => ({ defaultVerdict: "met" }));
    const { result } = await judge(
      { criteria: CRITERIA },
      { judgmentRequest: { criteria: ["The agent apologises"] } },
    );
    expect(result).toMatchObject({ success: true, metCriteria: ["The agent apologises"], unmetCriteria: [] });
    const request = server.requests[0]!.request!;
    expect(request.toolChoice).toEqual({ type: "tool", toolName: "finish_test" });
    expect(request.messages[0]?.content).toContain("1. The agent apologises");
    expect(request.messages[0]?.content).not.toContain("The agent greets the user");
  });

  it("asks only at the end with judgeEvery: 'end', every N turns with a number", async () => {
    decideWith(() => "continue");
    expect((await judge({ criteria: CRITERIA, judgeEvery: "end" }, { turn: 2 })).result).toBeNull();
    expect(server.requests).toHaveLength(0);
    await judge({ criteria: CRITERIA, judgeEvery: "end" }, { turn: 9 });
    expect(server.requests).toHaveLength(1);
    server.reset();
    for (const turn of [0, 1, 2, 3]) await judge({ criteria: CRITERIA, judgeEvery: 2 }, { turn });
    expect(server.requests).toHaveLength(2);
  });

  it("does not finish before minTurns, except on an explicit judge()", async () => {
    decideWith(() => ({ defaultVerdict: "met" }));
    expect((await judge({ criteria: CRITERIA, minTurns: 3 }, { turn: 1 })).result).toBeNull();
    expect(server.requests).toHaveLength(0);
    expect((await judge({ criteria: CRITERIA, minTurns: 3 }, { turn: 2 })).result?.success).toBe(true);
    expect(
      (await judge({ criteria: CRITERIA, minTurns: 3 }, { turn: 0, judgmentRequest: {} })).result?.success,
    ).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it("repairs finish_test arguments with trailing text without asking again", async () => {
    const args = JSON.stringify({
      reasoning: "ok",
      verdicts: CRITERIA.map((criterion) => ({ criterion, verdict: "met", reasoning: "seen" })),
    });
    reply({ toolCalls: [{ name: "finish_test", arguments: `${args}\nHope that helps!` }] });
    const { result } = await judge({ criteria: CRITERIA }, { judgmentRequest: {} });
    expect(result?.success).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it("asks once more after malformed arguments, saying what was wrong", async () => {
    reply(
      { toolCalls: [{ name: "finish_test", arguments: { verdicts: "lol" } }] },
      {
        toolCalls: [
          {
            name: "finish_test",
            arguments: {
              reasoning: "fine now",
              verdicts: CRITERIA.map((criterion) => ({ criterion, verdict: "met", reasoning: "x" })),
            },
          },
        ],
      },
    );
    const { result } = await judge({ criteria: CRITERIA }, { judgmentRequest: {} });
    expect(result?.success).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.request?.messages.at(-1)?.content).toContain(
      "Your previous reply could not be used",
    );
  });

  it("never passes on a malformed reply: after the retry it fails with JudgeError (JUDGE_FAILED)", async () => {
    reply({ toolCalls: [{ name: "finish_test", arguments: "{ this is not json" }] });
    const error = await judge({ criteria: CRITERIA }, { judgmentRequest: {} }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(JudgeError);
    expect(JudgeError.isInstance(error)).toBe(true);
    expect((error as JudgeError).code).toBe("JUDGE_FAILED");
    expect((error as JudgeError).message).toMatch(/no usable verdict after 2 attempts/);
    expect((error as JudgeError).message).toContain("finish_test arguments are invalid");
    expect((error as JudgeError).message).toContain("Give judgeAgent() a `model`");
    expect(server.requests).toHaveLength(2);
  });

  it("never passes when a required verdict is answered with text or continue_test", async () => {
    reply("Everything looks great, the agent passes!", {
      toolCalls: [{ name: "continue_test", arguments: {} }],
    });
    const error = await judge({ criteria: CRITERIA }, { judgmentRequest: {} }).catch(
      (caught: unknown) => caught,
    );
    expect(JudgeError.isInstance(error)).toBe(true);
    expect((error as JudgeError).message).toContain("continue_test");
    expect(server.requests).toHaveLength(2);
  });

  it("reports the tokens of every call, matching the server's counts", async () => {
    reply({ toolCalls: [{ name: "finish_test", arguments: "broken" }] });
    const { input, usage } = agentInput({ judgmentRequest: {} });
    await expect(judgeAgent({ model, criteria: CRITERIA }).call(input)).rejects.toThrow(JudgeError);
    expect(usage).toHaveLength(2);
    const sum = (key: "inputTokens" | "outputTokens") =>
      usage.reduce((total, entry) => total + (entry[key] ?? 0), 0);
    expect(server.usage.byRole.judge?.inputTokens).toBeGreaterThan(0);
    expect(sum("inputTokens")).toBe(server.usage.byRole.judge?.inputTokens);
    expect(sum("outputTokens")).toBe(server.usage.byRole.judge?.outputTokens);
  });

  it("works over the chat completions API too", async () => {
    decideWith(() => ({ defaultVerdict: "met" }));
    const chatModel = createOpenAI({ apiKey: "test-key", baseURL: server.baseURL }).chat("gpt-test");
    const { result } = await judge({ criteria: CRITERIA, model: chatModel }, { judgmentRequest: {} });
    expect(result?.success).toBe(true);
    expect(server.requests[0]?.endpoint).toBe("chat.completions");
    expect(server.requests[0]?.request?.toolChoice).toEqual({ type: "tool", toolName: "finish_test" });
  });

  it("retries a rate limit and succeeds", async () => {
    decideWith(() => ({ defaultVerdict: "met" }));
    server.enqueueFault({ type: "rate-limit", retryAfterSeconds: 7 });
    const sleeps: number[] = [];
    const clock = { now: () => 0, sleep: async (delayMs: number) => void sleeps.push(delayMs) };
    const { result } = await judge({ criteria: CRITERIA, retry: { clock } }, { judgmentRequest: {} });
    expect(result?.success).toBe(true);
    expect(server.requests.map((entry) => entry.status)).toEqual([429, 200]);
    expect(sleeps).toEqual([7000]);
  });
});

describe("judgeAgent options", () => {
  it("is a judge adapter named JudgeAgent that exposes its criteria", () => {
    const adapter = judgeAgent({ criteria: CRITERIA });
    expect(adapter.role).toBe(AgentRole.JUDGE);
    expect(adapter.name).toBe("JudgeAgent");
    expect(adapter.criteria).toEqual(CRITERIA);
  });

  it("rejects bad options with a clear ConfigurationError", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /non-empty array of criteria/],
      [{ criteria: [] }, /non-empty array of criteria/],
      [{ criteria: ["ok", "  "] }, /criterion 2 is " {2}"/],
      [{ criteria: ["a", "a"] }, /listed twice/],
      [{ criteria: ["a"], judgeEvery: 0 }, /judgeEvery/],
      [{ criteria: ["a"], temperature: 5 }, /temperature/],
      [{ criteria: ["a"], minTurns: -1 }, /minTurns/],
    ];
    for (const [options, message] of cases) {
      expect(() => judgeAgent(options as Parameters<typeof judgeAgent>[0])).toThrow(ConfigurationError);
      expect(() => judgeAgent(options as Parameters<typeof judgeAgent>[0])).toThrow(message);
    }
  });

  it("rejects an inline checkpoint with no criteria", async () => {
    const { input } = agentInput({ judgmentRequest: { criteria: [] } });
    await expect(judgeAgent({ criteria: CRITERIA, model }).call(input)).rejects.toThrow(ConfigurationError);
  });
});
