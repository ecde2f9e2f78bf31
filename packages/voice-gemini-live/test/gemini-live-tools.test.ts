import { createOpenAI } from "@ai-sdk/openai";
import { judgeAgent } from "@scenario/judge";
import { agent, interrupt, judge, succeed, user } from "@scenario/script";
import {
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
} from "@scenario/testing";
import { type GeminiLiveReplyPolicy, syntheticSpeech } from "@scenario/testing/gemini-live";
import { transcriptOf, voiceMessage } from "@scenario/voice";
import { afterEach, describe, expect, it } from "vitest";
import { geminiLiveAgent } from "../src";
import {
  assistantMessages,
  fakeGeminiLiveServer,
  runScenario,
  TEST_API_KEY,
  voiceRecordingOf,
} from "./gemini-live-test-helpers";

const modelServers: FakeOpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(modelServers.splice(0).map((server) => server.close()));
});

/** The model calls get_balance, then says the balance the function returned. */
const balancePolicy: GeminiLiveReplyPolicy = ({ toolResponses }) => {
  if (toolResponses === undefined) {
    return {
      transcript: "Let me look that up.",
      toolCalls: [{ name: "get_balance", args: { account: "main" } }],
    };
  }
  const { balance } = toolResponses[0]!.response as { balance: number };
  return { transcript: `Your balance is ${balance} euros.` };
};

const CRITERION =
  "The agent looks the balance up with get_balance and tells the caller the amount it returned";

describe("geminiLiveAgent: tools", () => {
  it("runs the model's function call with a tool from the scenario, sends the result back, and the judge sees both", async () => {
    const server = await fakeGeminiLiveServer({ paceFactor: Number.POSITIVE_INFINITY, reply: balancePolicy });
    const models = await startFakeOpenAIServer({
      reply: scenarioBehaviour({
        judge: judgeBehaviour({
          // The verdict depends on the judge reading both the call and its result.
          decide: ({ messages }) => {
            const seen = JSON.stringify(messages);
            const passed = seen.includes("get_balance") && seen.includes("1234.5");
            return passed
              ? {}
              : { defaultVerdict: "unmet", reasoning: "The tool call or its result was missing." };
          },
        }),
      }),
    });
    modelServers.push(models);
    const inputs: unknown[] = [];
    const gemini = geminiLiveAgent({
      url: server.url,
      apiKey: TEST_API_KEY,
      tools: [
        {
          name: "get_balance",
          description: "The balance of an account.",
          parameters: { type: "OBJECT", properties: { account: { type: "STRING" } }, required: ["account"] },
          execute: (input) => {
            inputs.push(input);
            return { balance: 1234.5, currency: "EUR" };
          },
        },
      ],
    });
    const model = createOpenAI({ apiKey: "test-model-key", baseURL: models.baseURL })("gpt-test");

    const { result, error } = await runScenario(
      [gemini, judgeAgent({ criteria: [CRITERION], model })],
      [
        user(voiceMessage("user", syntheticSpeech("What is my balance"), "What is my balance?")),
        agent(),
        (state) => {
          expect(state.hasToolCall("get_balance")).toBe(true);
        },
        judge(),
      ],
    );
    expect(error).toBeUndefined();
    expect(result?.status).toBe("SUCCESS");
    expect(result?.metCriteria).toEqual([CRITERION]);

    // The setup declared the function; it ran once with the model's arguments.
    const setup = server.connections[0]?.setup as { tools: unknown };
    expect(setup.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "get_balance",
            description: "The balance of an account.",
            parameters: {
              type: "OBJECT",
              properties: { account: { type: "STRING" } },
              required: ["account"],
            },
          },
        ],
      },
    ]);
    expect(inputs).toEqual([{ account: "main" }]);
    // The toolResponse answered the call by id, and the model's answer used it.
    const call = server.responses[0]!.toolCalls[0]!;
    const toolResponses = server.received.filter((frame) => frame.type === "toolResponse");
    expect(toolResponses.map((frame) => frame.message)).toEqual([
      {
        toolResponse: {
          functionResponses: [
            { id: call.id, name: "get_balance", response: { balance: 1234.5, currency: "EUR" } },
          ],
        },
      },
    ]);
    expect(result!.messages.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
    ]);
    expect(transcriptOf(assistantMessages(result!.messages).at(-1)!)).toBe(
      "Let me look that up. Your balance is 1234.5 euros.",
    );
    const tools = voiceRecordingOf(result).timeline.filter((event) => event.type.startsWith("tool-"));
    expect(tools).toMatchObject([
      {
        type: "tool-call",
        toolName: "get_balance",
        details: { callId: call.id, input: { account: "main" } },
      },
      {
        type: "tool-result",
        toolName: "get_balance",
        details: { callId: call.id, output: { balance: 1234.5 } },
      },
    ]);
    // The judge's last request carried the call and the result.
    const judgeBody = JSON.stringify(
      models.requests.filter((request) => request.role === "judge").at(-1)?.body,
    );
    expect(judgeBody).toContain("get_balance");
    expect(judgeBody).toContain("1234.5");
  });

  it("reports a call the server cancelled (toolCallCancellation after a barge-in) and never answers it", async () => {
    const server = await fakeGeminiLiveServer({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: [{ transcript: "", toolCalls: [{ name: "slow_lookup" }] }, "Okay, what else?"],
    });
    let release: (() => void) | undefined;
    const gemini = geminiLiveAgent({
      url: server.url,
      apiKey: TEST_API_KEY,
      tools: [
        {
          name: "slow_lookup",
          execute: () =>
            new Promise((resolve) => {
              release = () => resolve({ found: true });
            }),
        },
      ],
    });
    const { result, error } = await runScenario(
      [gemini],
      [
        user(voiceMessage("user", syntheticSpeech("Look it up"), "Look it up")),
        agent({ wait: false }),
        async () => {
          await server.waitFor(() => server.sent.some((frame) => frame.type === "toolCall"));
        },
        interrupt(),
        async () => {
          // The function finishes after the cancellation: its result must not be sent.
          await server.waitFor(() => server.responses[0]?.cancelledToolCallIds.length === 1);
          release?.();
        },
        user(voiceMessage("user", syntheticSpeech("Never mind"), "Never mind")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();
    expect(server.responses.map((response) => response.outcome)).toEqual(["interrupted", "completed"]);
    expect(server.received.filter((frame) => frame.type === "toolResponse")).toHaveLength(0);
    const results = voiceRecordingOf(result).timeline.filter((event) => event.type === "tool-result");
    expect(results).toHaveLength(1);
    expect(results[0]?.details).toMatchObject({ isError: true });
    expect(JSON.stringify(results[0]?.details)).toContain("toolCallCancellation");
    expect(transcriptOf(assistantMessages(result!.messages).at(-1)!)).toBe("Okay, what else?");
  });
});
