import { createOpenAI } from "@ai-sdk/openai";
import { judgeAgent } from "@scenario/judge";
import { agent, judge, user } from "@scenario/script";
import { AgentRole, type ModelMessage } from "@scenario/spec";
import { type FakeOpenAIServer, judgeBehaviour, startFakeOpenAIServer } from "@scenario/testing";
import type { RealtimeReplyContext } from "@scenario/testing/realtime";
import { audioFromMessage, transcriptOf } from "@scenario/voice";
import { afterEach, describe, expect, it } from "vitest";
import { OpenAIRealtimeUserAgent, openAIRealtimeAgent } from "../src";
import {
  fakeRealtimeServer,
  noiseAudio,
  runScenario,
  TEST_API_KEY,
  voiceRecordingOf,
} from "./realtime-test-helpers";

// A realtime model plays the caller: a second fake Realtime server stands in for it. It hears the
// agent under test's audio and answers with audio of its own, which the agent under test hears.

const DESCRIPTION = "A caller lost their bank card and wants it blocked.";
const PERSONA = "An anxious customer of City Bank";
const CALLER_LINES = ["Hi, I lost my bank card.", "Yes, please block it right away."];
const SCRIPTED_LINE = "It ends in four two one seven.";
const AGENT_LINES = [
  "Hello, City Bank. I am sorry to hear that. Shall I block it?",
  "Sure. What are the last four digits?",
  "Thank you. The card ending in four two one seven is now blocked.",
];
const CRITERIA = ["The agent blocks the caller's card"];

const agentAudio = AGENT_LINES.map((_, index) => noiseAudio(500 + index * 100, 50 + index));
/** The caller model's audio for each of its responses, by response index. */
const callerAudio = [noiseAudio(700, 60), noiseAudio(600, 61), noiseAudio(900, 62)];

/**
 * The caller model's part: its own lines in order, or, when asked to say a line word for word,
 * exactly that line.
 */
function callerReply(context: RealtimeReplyContext) {
  const audio = callerAudio[context.turnIndex]!;
  const asked = /word for word, and nothing else: "(.*)"$/.exec(context.userTranscript ?? "");
  if (asked) return { transcript: asked[1]!, audio };
  return { transcript: CALLER_LINES[context.turnIndex] ?? "Thanks, bye.", audio };
}

const modelServers: FakeOpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(modelServers.splice(0).map((server) => server.close()));
});

function voiceTurns(messages: readonly ModelMessage[]): ModelMessage[] {
  return messages.filter((message) => message.role === "user" || message.role === "assistant");
}

describe("openAIRealtimeAgent({ role: AgentRole.USER }): a realtime model as the caller", () => {
  it("talks to the agent under test voice-to-voice, says a scripted line through its text input, and is judged", async () => {
    const agentServer = await fakeRealtimeServer({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: AGENT_LINES.map((transcript, index) => ({ transcript, audio: agentAudio[index] })),
    });
    const callerServer = await fakeRealtimeServer({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: callerReply,
    });
    const models = await startFakeOpenAIServer({
      reply: judgeBehaviour({
        decide: ({ messages }) => (JSON.stringify(messages).includes("is now blocked") ? {} : "continue"),
      }),
    });
    modelServers.push(models);
    const model = createOpenAI({ apiKey: "test-model-key", baseURL: models.baseURL })("gpt-test");

    const caller = openAIRealtimeAgent({
      role: AgentRole.USER,
      url: callerServer.url,
      apiKey: TEST_API_KEY,
      persona: PERSONA,
    });
    expect(caller).toBeInstanceOf(OpenAIRealtimeUserAgent);

    const { result, error } = await runScenario(
      [
        openAIRealtimeAgent({ url: agentServer.url, apiKey: TEST_API_KEY }),
        caller,
        judgeAgent({ criteria: CRITERIA, model }),
      ],
      [user(), agent(), user(), agent(), user(SCRIPTED_LINE), agent(), judge()],
      { name: "lost card, realtime caller", description: DESCRIPTION },
    );
    expect(error).toBeUndefined();
    expect(result?.status).toBe("SUCCESS");
    expect(result?.metCriteria).toEqual(CRITERIA);

    // The conversation: the caller's lines (its own, then the scripted one) and the agent's replies.
    const turns = voiceTurns(result!.messages);
    expect(turns.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
    ]);
    const userTurns = turns.filter((message) => message.role === "user");
    expect(userTurns.map(transcriptOf)).toEqual([...CALLER_LINES, SCRIPTED_LINE]);
    expect(userTurns.map((message) => audioFromMessage(message)?.data)).toEqual(callerAudio);

    // The agent under test heard the caller model's audio byte for byte, one commit per turn.
    expect(agentServer.turns.map((turn) => turn.audio)).toEqual(callerAudio);
    // The caller model heard the agent's first reply byte for byte (the only one played to it as
    // audio: the scripted turn passes the agent's words as text, before the line to say).
    expect(callerServer.turns.map((turn) => turn.audio)).toEqual([agentAudio[0]]);
    const callerTexts = callerServer.received
      .filter((frame) => frame.type === "conversation.item.create")
      .map((frame) => JSON.stringify(frame.event));
    expect(callerTexts).toHaveLength(2);
    expect(callerTexts[0]).toContain(`The agent said: ${AGENT_LINES[1]}`);
    expect(callerTexts[1]).toContain(`word for word, and nothing else: \\"${SCRIPTED_LINE}\\"`);

    // The caller was instructed from the scenario's description and persona.
    const sessionUpdate = callerServer.received.find((frame) => frame.type === "session.update");
    expect(JSON.stringify(sessionUpdate?.event)).toContain(DESCRIPTION);
    expect(JSON.stringify(sessionUpdate?.event)).toContain(PERSONA);

    // The judge read the caller's words as the user's turns.
    const judgeRequest = JSON.stringify(models.requests.at(-1)?.body);
    for (const line of [...CALLER_LINES, SCRIPTED_LINE]) expect(judgeRequest).toContain(line);

    // The recording is the agent under test's call: the caller's audio as user segments, and only one recording.
    const recording = voiceRecordingOf(result);
    expect(recording.segments.map((segment) => segment.speaker)).toEqual([
      "user",
      "agent",
      "user",
      "agent",
      "user",
      "agent",
    ]);
    expect(
      recording.segments.filter((segment) => segment.speaker === "user").map((segment) => segment.audio),
    ).toEqual(callerAudio);
    expect(JSON.stringify(result)).not.toContain(TEST_API_KEY);
  });

  it("refuses a turn before connect() with an error saying how to run it", async () => {
    const caller = openAIRealtimeAgent({
      role: AgentRole.USER,
      url: "ws://127.0.0.1:9",
      apiKey: TEST_API_KEY,
    });
    await expect(
      caller.call({
        threadId: "t",
        messages: [],
        newMessages: [],
        requestedRole: AgentRole.USER,
        scenarioState: {} as never,
        scenarioConfig: { name: "x", description: "y", agents: [] },
        recordUsage: () => {},
      }),
    ).rejects.toThrow(/not connected: run it through run\(\)/);
  });
});
