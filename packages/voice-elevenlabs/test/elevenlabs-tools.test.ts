import { createOpenAI } from "@ai-sdk/openai";
import { judgeAgent } from "@scenario/judge";
import { agent, judge, succeed, user } from "@scenario/script";
import {
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
} from "@scenario/testing";
import type { ElevenLabsToolCallRecord } from "@scenario/testing/elevenlabs";
import { transcriptOf } from "@scenario/voice";
import { afterEach, describe, expect, it } from "vitest";
import { elevenLabsAgent } from "../src";
import { fakeElevenLabs, runScenario, syntheticTts, voiceRecordingOf } from "./elevenlabs-test-helpers";

const modelServers: FakeOpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(modelServers.splice(0).map((server) => server.close()));
});

/** The agent calls `get_balance`, then speaks the balance the tool returned. */
const BALANCE_REPLY = {
  transcript: "",
  toolCalls: [{ toolName: "get_balance", parameters: { account: "main" }, toolCallId: "toolu_42" }],
  afterTools: (results: readonly ElevenLabsToolCallRecord[]) => {
    const { balance } = JSON.parse(String(results[0]!.result)) as { balance: number };
    return `Your balance is ${balance} euros.`;
  },
};
const CRITERIA = ["The agent looks the balance up with get_balance and tells it"];

describe("elevenLabsAgent: client tools", () => {
  it("runs the scenario's tool for the agent's client_tool_call, sends the result back, and the judge sees both", async () => {
    const models = await startFakeOpenAIServer({
      reply: scenarioBehaviour({
        judge: judgeBehaviour({
          decide: ({ messages }) => {
            const seen = JSON.stringify(messages);
            return seen.includes("get_balance") && seen.includes('\\"balance\\":42')
              ? {}
              : { defaultVerdict: "unmet", reasoning: "The tool call or its result is missing." };
          },
        }),
      }),
    });
    modelServers.push(models);
    const model = createOpenAI({ apiKey: "test-model-key", baseURL: models.baseURL })("gpt-test");
    const server = await fakeElevenLabs({ reply: BALANCE_REPLY, vad: { silenceDurationMs: 250 } });
    const inputs: unknown[] = [];
    const { result, error } = await runScenario(
      [
        elevenLabsAgent({
          agentId: "agent_test",
          url: server.url,
          speech: syntheticTts,
          silenceTailMs: 600,
          clientTools: {
            get_balance: (parameters) => {
              inputs.push(parameters);
              return { balance: 42, currency: "EUR" };
            },
          },
        }),
        judgeAgent({ criteria: CRITERIA, model }),
      ],
      [
        user("What is my balance"),
        agent(),
        (state) => {
          expect(state.hasToolCall("get_balance")).toBe(true);
          expect(state.lastToolCallPart("get_balance")?.input).toEqual({ account: "main" });
        },
        judge(),
      ],
    );
    expect(error).toBeUndefined();

    // The tool ran once with the agent's parameters, and its result went back to the agent.
    expect(inputs).toEqual([{ account: "main" }]);
    expect(server.toolCalls).toHaveLength(1);
    expect(server.toolCalls[0]).toMatchObject({
      toolCallId: "toolu_42",
      result: JSON.stringify({ balance: 42, currency: "EUR" }),
      isError: false,
    });
    const toolResult = server.received.find((frame) => frame.type === "client_tool_result");
    expect(toolResult?.message).toEqual({
      type: "client_tool_result",
      tool_call_id: "toolu_42",
      result: '{"balance":42,"currency":"EUR"}',
      is_error: false,
    });
    expect(server.violations).toEqual([]);

    // The reply: the tool call and its result, then the answer made from the result.
    expect(result!.messages.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
    ]);
    expect(transcriptOf(result!.messages.at(-1)!)).toBe("Your balance is 42 euros.");
    const timeline = voiceRecordingOf(result).timeline.filter((event) => event.type.startsWith("tool-"));
    expect(timeline).toMatchObject([
      {
        type: "tool-call",
        toolName: "get_balance",
        details: { callId: "toolu_42", input: { account: "main" } },
      },
      {
        type: "tool-result",
        toolName: "get_balance",
        details: { callId: "toolu_42", output: { balance: 42, currency: "EUR" } },
      },
    ]);

    // The judge read the call and its result, and passed the scenario on them.
    expect(result?.status).toBe("SUCCESS");
    expect(result?.metCriteria).toEqual(CRITERIA);
    const judgeRequest = JSON.stringify(
      models.requests.filter((request) => request.role === "judge").at(-1)?.body,
    );
    expect(judgeRequest).toContain("get_balance");
    expect(judgeRequest).toContain("Your balance is 42 euros.");
  });

  it("answers a call to a tool the scenario does not define with an error result", async () => {
    const server = await fakeElevenLabs({
      reply: { ...BALANCE_REPLY, afterTools: () => "Sorry, that failed." },
      vad: { silenceDurationMs: 250 },
    });
    const { result, error } = await runScenario(
      [elevenLabsAgent({ agentId: "agent_test", url: server.url, speech: syntheticTts, silenceTailMs: 600 })],
      [user("What is my balance"), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    expect(server.toolCalls[0]).toMatchObject({ isError: true });
    expect(String(server.toolCalls[0]!.result)).toContain('No client tool named "get_balance"');
    const timeline = voiceRecordingOf(result).timeline.filter((event) => event.type === "tool-result");
    expect(timeline[0]?.details).toMatchObject({ callId: "toolu_42", isError: true });
  });
});
