import { agent, user } from "@scenario/script";
import { fliteSpeech, transcriptOf } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { expectFirstAudioFromRecording } from "../../../tooling/test-helpers/voice-harness";
import { pipecatAgent } from "../src";
import {
  agentSegments,
  byteDifference,
  fakePipecatBot,
  noiseAudio,
  runScenario,
  voiceRecordingOf,
} from "./pipecat-test-helpers";

const speech = fliteSpeech();

describe("pipecatAgent through the real executor", () => {
  it("time to first audio is measured from the end of the caller's audio, never under the bot's think time", async () => {
    const bot = await fakePipecatBot({
      thinkTimeMs: 300,
      reply: ["Your balance is fine.", "Anything else?"],
    });
    const { result, error } = await runScenario(
      [pipecatAgent({ url: bot.url, speech })],
      [user("I would like to check my balance"), agent(), user("No thanks"), agent()],
    );
    expect(error).toBeUndefined();
    const recording = voiceRecordingOf(result);
    expect(recording.latency.timeToFirstAudioMs).toHaveLength(2);
    expectFirstAudioFromRecording(recording, 300);
    // Each turn reached the bot as 16 kHz frames and was ended by its VAD.
    expect(bot.turns.map((turn) => [turn.source, turn.sampleRate])).toEqual([
      ["speech", 16_000],
      ["speech", 16_000],
    ]);
    expect(bot.replies.map((reply) => reply.outcome)).toEqual(["completed", "completed"]);
  });

  it("records the bot's audio byte for byte at its native format (24 kHz and 16 kHz frames)", async () => {
    for (const outputSampleRate of [24_000, 16_000]) {
      const replyAudio = noiseAudio(700, outputSampleRate);
      const bot = await fakePipecatBot({
        outputSampleRate,
        paceFactor: Number.POSITIVE_INFINITY,
        reply: { transcript: "Here is your answer.", audio: replyAudio },
      });
      const { result, error } = await runScenario(
        [pipecatAgent({ url: bot.url, speech, outputSampleRate })],
        [user("Hello"), agent()],
      );
      expect(error).toBeUndefined();
      const [segment] = agentSegments(voiceRecordingOf(result));
      const sent = bot.replies[0]!.audio!;
      if (outputSampleRate === 24_000) {
        // Scenario's own format: the segment's audio is the wire audio.
        expect(segment?.wireAudio).toBeUndefined();
        expect(byteDifference(segment!.audio, replyAudio)).toBeUndefined();
      } else {
        expect(segment?.wireAudio?.format).toMatchObject({
          encoding: "pcm16",
          sampleRateHz: outputSampleRate,
        });
        expect(byteDifference(segment!.wireAudio!.data, sent)).toBeUndefined();
      }
      expect(transcriptOf(result!.messages.at(-1)!)).toBe("Here is your answer.");
    }
  });
});
