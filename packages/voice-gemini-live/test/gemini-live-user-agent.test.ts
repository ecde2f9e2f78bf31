import { createOpenAI } from "@ai-sdk/openai";
import { judgeAgent } from "@scenario/judge";
import { agent, judge, user } from "@scenario/script";
import { AgentRole, type ModelMessage } from "@scenario/spec";
import { judgeBehaviour, startFakeOpenAIServer } from "@scenario/testing";
import type { GeminiLiveReplyContext } from "@scenario/testing/gemini-live";
import { audioFromMessage, transcriptOf } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { closeAfterTest } from "../../../tooling/test-helpers/voice-harness";
import { GeminiLiveUserAgent, geminiLiveAgent } from "../src";
import {
  fakeGeminiLiveServer,
  noiseAudio,
  runScenario,
  TEST_API_KEY,
  voiceRecordingOf,
} from "./gemini-live-test-helpers";

// A Gemini Live model plays the caller: a second fake Live API server stands in for it. It hears
// the agent under test's audio and answers with audio of its own, which the agent under test hears.

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

const agentAudio = AGENT_LINES.map((_, index) => noiseAudio(500 + index * 100, 70 + index));
/** The caller model's audio for each of its replies, by reply index (24 kHz, as the Live API speaks). */
const callerAudio = [noiseAudio(700, 80), noiseAudio(600, 81), noiseAudio(900, 82)];

/**
 * The caller model's part: its own lines in order, or, when asked to say a line word for word,
 * exactly that line.
 */
function callerReply(context: GeminiLiveReplyContext) {
  const audio = callerAudio[context.turnIndex]!;
  const asked = /word for word, and nothing else: "(.*)"$/.exec(context.userTranscript ?? "");
  if (asked) return { transcript: asked[1]!, audio };
  return { transcript: CALLER_LINES[context.turnIndex] ?? "Thanks, bye.", audio };
}

function voiceTurns(messages: readonly ModelMessage[]): ModelMessage[] {
  return messages.filter((message) => message.role === "user" || message.role === "assistant");
}

describe("geminiLiveAgent({ role: AgentRole.USER }): a Gemini Live model as the caller", () => {
  it("talks to the agent under test voice-to-voice, says a scripted line through its text input, and is judged", async () => {
    const agentServer = await fakeGeminiLiveServer({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: AGENT_LINES.map((transcript, index) => ({ transcript, audio: agentAudio[index]! })),
    });
    const callerServer = await fakeGeminiLiveServer({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: callerReply,
    });
    const models = closeAfterTest(
      await startFakeOpenAIServer({
        reply: judgeBehaviour({
          decide: ({ messages }) => (JSON.stringify(messages).includes("is now blocked") ? {} : "continue"),
        }),
      }),
    );
    const model = createOpenAI({ apiKey: "test-model-key", baseURL: models.baseURL })("gpt-test");

    const caller = geminiLiveAgent({
      role: AgentRole.USER,
      url: callerServer.url,
      apiKey: TEST_API_KEY,
      persona: PERSONA,
    });
    expect(caller).toBeInstanceOf(GeminiLiveUserAgent);

    const { result, error } = await runScenario(
      [
        geminiLiveAgent({ url: agentServer.url, apiKey: TEST_API_KEY }),
        caller,
        judgeAgent({ criteria: CRITERIA, model }),
      ],
      [user(), agent(), user(), agent(), user(SCRIPTED_LINE), agent(), judge()],
      { name: "lost card, Gemini Live caller", description: DESCRIPTION },
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

    // The agent under test heard each of the caller model's replies as one audio turn, resampled to
    // the Live API's 16 kHz input (two thirds of the 24 kHz bytes), and no text.
    expect(agentServer.turns.map((turn) => turn.endedBy)).toEqual([
      "activityEnd",
      "activityEnd",
      "activityEnd",
    ]);
    expect(agentServer.turns.map((turn) => turn.text)).toEqual([undefined, undefined, undefined]);
    expect(agentServer.turns.map((turn) => turn.audio.byteLength)).toEqual(
      callerAudio.map((audio) => (audio.byteLength * 2) / 3),
    );
    // The caller model opened the call on an empty turn, heard the agent's first reply as audio, and
    // before the scripted line got the agent's words as text, then the line to say, in one text turn.
    expect(callerServer.turns.map((turn) => turn.audio.byteLength)).toEqual([
      0,
      (agentAudio[0]!.byteLength * 2) / 3,
      0,
    ]);
    expect(callerServer.turns.slice(0, 2).map((turn) => turn.text)).toEqual([undefined, undefined]);
    expect(callerServer.turns[2]?.text).toContain(`The agent said: ${AGENT_LINES[1]}`);
    expect(callerServer.turns[2]?.text).toContain(`word for word, and nothing else: "${SCRIPTED_LINE}"`);

    // The caller was instructed from the scenario's description and persona.
    const setup = callerServer.received.find((frame) => frame.type === "setup");
    expect(JSON.stringify(setup)).toContain(DESCRIPTION);
    expect(JSON.stringify(setup)).toContain(PERSONA);

    // The caller's tokens, as its server counted them, are the user's usage.
    expect(result?.usage.byRole[AgentRole.USER]?.totalTokens ?? 0).toBeGreaterThan(0);

    // The judge read the caller's words as the user's turns.
    const judgeRequest = JSON.stringify(models.requests.at(-1)?.body);
    for (const line of [...CALLER_LINES, SCRIPTED_LINE]) expect(judgeRequest).toContain(line);

    // The recording is the agent under test's call: the caller's audio as user segments.
    const recording = voiceRecordingOf(result);
    expect(
      recording.segments.filter((segment) => segment.speaker === "user").map((segment) => segment.audio),
    ).toEqual(callerAudio);
    expect(JSON.stringify(result)).not.toContain(TEST_API_KEY);
  });
});
