import { createOpenAI } from "@ai-sdk/openai";
import { judgeAgent } from "@scenario/judge";
import {
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { userSimulatorAgent } from "@scenario/user-simulator";
import {
  fliteSpeech,
  isPocketsphinxAvailable,
  pocketsphinxTranscription,
  transcriptOf,
  voiceUserSimulatorAgent,
} from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { closeAfterTest, pocketsphinxOrSkip } from "../../../tooling/test-helpers/voice-harness";
import { pipecatAgent } from "../src";
import { fakePipecatBot, runScenario, voiceRecordingOf } from "./pipecat-test-helpers";

const CALLER_LINES = ["I lost my card", "It ends in four two one seven", "Thank you goodbye"];
/** What the bot answers to each line it recognises. */
const BOT_ANSWERS: Record<string, string> = {
  "i lost my card": "I can block it what are the last four digits",
  "it ends in four two one seven": "Thank you your card is now blocked",
  "thank you goodbye": "Goodbye and have a nice day",
};
const DID_NOT_HEAR = "Sorry I did not catch that";
const CRITERIA = ["The agent blocks the card", "The agent asks for the last four digits"];

const pocketsphinxAvailable = await isPocketsphinxAvailable();

describe("a whole simulated call with a Pipecat bot, offline", () => {
  it("flite caller -> bot recognises it (pocketsphinx) and answers in flite -> its reply recognised back -> judged", async (context) => {
    if (!pocketsphinxOrSkip(pocketsphinxAvailable, context)) return;
    // The user simulator and the judge are LLMs: a local fake plays both.
    const models = closeAfterTest(
      await startFakeOpenAIServer({
        reply: scenarioBehaviour({
          userSimulator: userSimulatorPersona(CALLER_LINES),
          judge: judgeBehaviour({
            decide: ({ messages }) =>
              JSON.stringify(messages).toLowerCase().includes("have a nice day") ? {} : "continue",
          }),
        }),
      }),
    );
    const model = createOpenAI({ apiKey: "test-model-key", baseURL: models.baseURL })("gpt-test");

    // A bot that sends audio only (no RTVI, no transcript frames): its words must be recognised.
    const bot = await fakePipecatBot({
      rtvi: false,
      transcriptFrames: false,
      speech: "flite",
      transcribe: pocketsphinxTranscription({ phrases: CALLER_LINES }),
      reply: ({ userTranscript }) => ({
        transcript: BOT_ANSWERS[userTranscript?.toLowerCase() ?? ""] ?? DID_NOT_HEAR,
      }),
    });

    const { result, error } = await runScenario(
      [
        pipecatAgent({
          url: bot.url,
          rtvi: false,
          silenceTailMs: 700,
          transcription: pocketsphinxTranscription({
            phrases: [...Object.values(BOT_ANSWERS), DID_NOT_HEAR],
          }),
        }),
        voiceUserSimulatorAgent({ simulator: userSimulatorAgent({ model }), tts: fliteSpeech() }),
        // The caller has three lines and the call settles on the third: the judge is asked every turn.
        judgeAgent({ criteria: CRITERIA, model, judgeEvery: "turn" }),
      ],
      undefined,
      { name: "lost card", description: "A caller lost their card and wants it blocked.", maxTurns: 6 },
    );

    expect(error).toBeUndefined();
    expect(result?.status).toBe("SUCCESS");
    expect(result?.metCriteria).toEqual(CRITERIA);
    // The bot recognised every caller line exactly (JSGF grammar)...
    expect(bot.turns.map((turn) => turn.transcript?.toLowerCase())).toEqual(
      CALLER_LINES.map((line) => line.toLowerCase()),
    );
    // ...and its spoken answers were recognised back into the conversation the judge read.
    const assistant = result!.messages.filter((message) => message.role === "assistant").map(transcriptOf);
    expect(assistant.map((text) => text.toLowerCase())).toEqual(
      Object.values(BOT_ANSWERS).map((text) => text.toLowerCase()),
    );
    const recording = voiceRecordingOf(result);
    expect(recording.segments.map((segment) => segment.speaker)).toEqual([
      "user",
      "agent",
      "user",
      "agent",
      "user",
      "agent",
    ]);
    expect(recording.latency.timeToFirstAudioMs).toHaveLength(3);
  }, 120_000);
});
