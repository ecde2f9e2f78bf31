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
import { elevenLabsAgent } from "../src";
import { fakeElevenLabs, runScenario } from "./elevenlabs-test-helpers";

// A whole simulated conversation, offline: the voice user simulator speaks with flite, the driver
// streams it as PCM16 16 kHz, the fake ElevenLabs agent recognises it with pocketsphinx (a JSGF
// grammar of the caller's lines), says what it heard in `user_transcript`, and answers in flite
// speech with the words in `agent_response`, which the judge reads.

const CALLER_LINES = ["I would like to check my balance", "please close my savings account"];
const AGENT_ANSWERS: Record<string, string> = {
  "i would like to check my balance": "Your balance is forty two dollars",
  "please close my savings account": "Your savings account is now closed",
};
const CRITERIA = ["The agent tells the caller their balance", "The agent closes the savings account"];

const pocketsphinxAvailable = await isPocketsphinxAvailable();

describe("elevenLabsAgent: a simulated conversation with offline speech", () => {
  it.skipIf(!pocketsphinxAvailable)(
    "flite caller -> fake agent (pocketsphinx) -> flite answer: judged, passes",
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
      const heardByAgent: string[] = [];
      const server = await fakeElevenLabs({
        speech: "flite",
        transcribe: pocketsphinxTranscription({ phrases: CALLER_LINES }),
        reply: (context) => {
          heardByAgent.push(context.callerTranscript ?? "");
          return {
            transcript: AGENT_ANSWERS[context.callerTranscript ?? ""] ?? "Sorry I did not catch that",
          };
        },
      });

      const { result, error } = await runScenario(
        [
          elevenLabsAgent({ agentId: "agent_bank", url: server.url }),
          voiceUserSimulatorAgent({
            simulator: userSimulatorAgent({ model, persona: "A customer checking their balance" }),
            tts: fliteSpeech(),
          }),
          judgeAgent({ criteria: CRITERIA, model }),
        ],
        undefined,
        {
          name: "balance by voice",
          description: "A customer asks the bank's agent for their balance.",
          maxTurns: 6,
        },
      );

      expect(error).toBeUndefined();
      expect(result?.status).toBe("SUCCESS");
      expect(result?.metCriteria).toEqual(CRITERIA);
      // The agent recognised the caller's flite speech...
      expect(heardByAgent).toEqual(CALLER_LINES.map((line) => line.toLowerCase()));
      // ...its answers reached the judge as the agent's words...
      const answers = result!.messages.filter((message) => message.role === "assistant").map(transcriptOf);
      expect(answers).toEqual(["Your balance is forty two dollars", "Your savings account is now closed"]);
      const judgeRequests = models.requests.filter((request) => request.role === "judge");
      expect(JSON.stringify(judgeRequests.at(-1)?.body)).toContain("Your balance is forty two dollars");
      // ...and what it understood of the caller is on the timeline.
      const recording = result?.artifacts.voice as VoiceRecording;
      const userTranscripts = recording.timeline.filter((event) => event.type === "user-transcript");
      expect(userTranscripts.map((event) => event.details?.text)).toEqual(heardByAgent);
      expect(recording.segments.map((segment) => segment.speaker)).toEqual([
        "user",
        "agent",
        "user",
        "agent",
      ]);
      expect(server.violations).toEqual([]);
    },
    60_000,
  );
});
