import { createOpenAI } from "@ai-sdk/openai";
import { judgeAgent } from "@scenario/judge";
import type { VoiceRecording } from "@scenario/spec";
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
import { closeAfterTest } from "../../../tooling/test-helpers/voice-harness";
import { twilioAgent } from "../src";
import { fakeTwilioBot, runScenario } from "./twilio-test-helpers";

// A whole simulated phone call, offline: the voice user simulator speaks with flite, the driver
// puts it on the line as μ-law 8 kHz, the fake bot recognises it with pocketsphinx (a JSGF grammar:
// telephone audio defeats the free language model), answers in flite speech, and the adapter
// recognises that back so the judge reads words.

// Measured: these lines survive flite -> 8 kHz μ-law -> pocketsphinx with a grammar every time;
// lines with "thank you" fail every time (pocketsphinx's model, not the line).
const CALLER_LINES = ["I would like to check my balance", "please close my savings account"];
const BOT_ANSWERS: Record<string, string> = {
  "i would like to check my balance": "Your balance is forty two dollars",
  "please close my savings account": "Your savings account is now closed",
};
const CRITERIA = ["The agent tells the caller their balance", "The agent closes the savings account"];

const pocketsphinxAvailable = await isPocketsphinxAvailable();

describe("twilioAgent: a simulated call with offline speech", () => {
  it.skipIf(!pocketsphinxAvailable)(
    "flite caller -> bot (pocketsphinx) -> flite answer recognised back: judged, passes",
    async () => {
      const models = closeAfterTest(
        await startFakeOpenAIServer({
          reply: scenarioBehaviour({
            userSimulator: userSimulatorPersona(CALLER_LINES),
            judge: judgeBehaviour({
              decide: ({ messages }) =>
                JSON.stringify(messages).toLowerCase().includes("account is now closed") ? {} : "continue",
            }),
          }),
        }),
      );
      const model = createOpenAI({ apiKey: "test-model-key", baseURL: models.baseURL })("gpt-test");
      const heardByBot: string[] = [];
      const bot = await fakeTwilioBot({
        speech: "flite",
        transcribe: pocketsphinxTranscription({ phrases: CALLER_LINES }),
        reply: (context) => {
          heardByBot.push(context.callerTranscript ?? "");
          return { transcript: BOT_ANSWERS[context.callerTranscript ?? ""] ?? "Sorry I did not catch that" };
        },
      });

      const { result, error } = await runScenario(
        [
          twilioAgent({
            url: bot.url,
            transcription: pocketsphinxTranscription({
              phrases: [...Object.values(BOT_ANSWERS), "Sorry I did not catch that"],
            }),
          }),
          voiceUserSimulatorAgent({
            simulator: userSimulatorAgent({ model, persona: "A customer checking their balance by phone" }),
            tts: fliteSpeech(),
          }),
          judgeAgent({ criteria: CRITERIA, model }),
        ],
        undefined,
        { name: "balance by phone", description: "A customer calls to check their balance.", maxTurns: 6 },
      );

      expect(error).toBeUndefined();
      expect(result?.status).toBe("SUCCESS");
      expect(result?.metCriteria).toEqual(CRITERIA);
      // The bot recognised the caller's flite speech over the phone line...
      expect(heardByBot).toEqual(CALLER_LINES.map((line) => line.toLowerCase()));
      // ...and the adapter recognised the bot's answers, which the judge read.
      const answers = result!.messages.filter((message) => message.role === "assistant").map(transcriptOf);
      expect(answers).toEqual(["your balance is forty two dollars", "your savings account is now closed"]);
      const judgeRequests = models.requests.filter((request) => request.role === "judge");
      expect(JSON.stringify(judgeRequests.at(-1)?.body)).toContain("your balance is forty two dollars");
      const recording = result?.artifacts.voice as VoiceRecording;
      expect(recording.segments.map((segment) => segment.speaker)).toEqual([
        "user",
        "agent",
        "user",
        "agent",
      ]);
      expect(bot.violations).toEqual([]);
    },
    60_000,
  );
});
