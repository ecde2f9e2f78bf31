import { agent, succeed, user } from "@scenario/script";
import type { ScenarioEvent } from "@scenario/spec";
import { syntheticSpeech } from "@scenario/testing/realtime";
import { type TextToSpeechProvider, voiceCallSummary } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { twilioAgent } from "../src";
import { fakeTwilioBot, noiseMulaw, runScenario, voiceRecordingOf } from "./twilio-test-helpers";

// Every voice adapter, not only composableAgent, hands reporters the call's summary as
// `artifacts.voiceCall`: the HTML report's voice section (latency strip, barge-ins, player) reads it
// from the run-finished event.

const syntheticTts: TextToSpeechProvider = {
  id: "synthetic",
  async synthesize(text) {
    return { data: syntheticSpeech(text), transcript: text };
  },
};

const REPLIES = [
  { transcript: "Your balance is forty two dollars.", audio: noiseMulaw(600, 1) },
  { transcript: "Goodbye.", audio: noiseMulaw(300, 2) },
];

function finishedEvent(events: ScenarioEvent[]) {
  return events.find(
    (event): event is Extract<ScenarioEvent, { type: "SCENARIO_RUN_FINISHED" }> =>
      event.type === "SCENARIO_RUN_FINISHED",
  );
}

describe("twilioAgent: the call summary for reports", () => {
  it("attaches artifacts.voiceCall, plain JSON on the run-finished event, without audio by default", async () => {
    const bot = await fakeTwilioBot({ vad: { silenceDurationMs: 250 }, reply: REPLIES });
    const { result, error, events } = await runScenario(
      [twilioAgent({ url: bot.url, speech: syntheticTts, silenceTailMs: 500 })],
      [user("What is my balance"), agent(), user("Thanks"), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    const recording = voiceRecordingOf(result);
    const summary = result?.artifacts.voiceCall;
    // The summary of this very recording: one turn per answered turn, its times to first audio.
    expect(summary).toEqual(voiceCallSummary(recording));
    expect(summary).toMatchObject({
      turns: [
        { turn: 1, timeToFirstAudioMs: recording.latency.timeToFirstAudioMs[0] },
        { turn: 2, timeToFirstAudioMs: recording.latency.timeToFirstAudioMs[1] },
      ],
      interrupts: [],
    });
    expect(summary).not.toHaveProperty("audioSrc");

    // Reporters get it (the recording's bytes stay on the result only).
    const finished = finishedEvent(events);
    expect(finished?.artifacts?.voiceCall).toEqual(JSON.parse(JSON.stringify(summary)));
    expect(finished?.artifacts).not.toHaveProperty("voice");
  });

  it("embeds the call's audio for the report's player when reportAudio is set", async () => {
    const bot = await fakeTwilioBot({ vad: { silenceDurationMs: 250 }, reply: REPLIES });
    const { result, error, events } = await runScenario(
      [twilioAgent({ url: bot.url, speech: syntheticTts, silenceTailMs: 500, reportAudio: true })],
      [user("What is my balance"), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    const audioSrc = (result?.artifacts.voiceCall as { audioSrc?: string } | undefined)?.audioSrc;
    expect(audioSrc).toMatch(/^data:audio\/wav;base64,/);
    const wav = Buffer.from(audioSrc!.slice("data:audio/wav;base64,".length), "base64");
    expect(wav.subarray(0, 4).toString("ascii")).toBe("RIFF");
    expect(wav.readUInt32LE(24)).toBe(8000);
    const reported = finishedEvent(events)?.artifacts?.voiceCall as { audioSrc?: string } | undefined;
    expect(reported?.audioSrc).toBe(audioSrc);
  });
});
