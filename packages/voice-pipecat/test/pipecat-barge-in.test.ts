import { agent, audio, sleep, user } from "@scenario/script";
import {
  fliteSpeech,
  isPocketsphinxAvailable,
  pcmDurationMs,
  pocketsphinxTranscription,
  transcriptOf,
} from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { pipecatAgent } from "../src";
import {
  agentSegments,
  fakePipecatBot,
  indexOfBytes,
  noiseAudio,
  runScenario,
  voiceRecordingOf,
} from "./pipecat-test-helpers";

const speech = fliteSpeech();
const LONG_ANSWER = "Let me read you the full terms and conditions of your account, section by section.";
const BARGE_IN = "Stop, what is my balance";
const pocketsphinxAvailable = await isPocketsphinxAvailable();

describe("barge-in on a Pipecat bot", () => {
  it("the bot's VAD cuts its reply when the caller talks over it: truncated, timed, and the caller's words reach the bot", async () => {
    const bot = await fakePipecatBot({
      // Real time, so the reply is still going when the caller speaks.
      paceFactor: 1,
      ...(pocketsphinxAvailable && {
        transcribe: pocketsphinxTranscription({ phrases: [BARGE_IN] }),
      }),
      reply: [{ transcript: LONG_ANSWER, audio: noiseAudio(4000, 9) }, "Your balance is ten dollars."],
    });
    const bargeInAudio = (await speech.synthesize(BARGE_IN)).data;
    const { result, error } = await runScenario(
      // 24 kHz input, so the caller's audio reaches the bot unconverted and can be found byte for
      // byte. No speech synthesizer: the text turn goes as RTVI send-text, at once.
      [pipecatAgent({ url: bot.url, inputSampleRate: 24_000 })],
      [
        user("I want to hear about my account"),
        agent({ wait: false }),
        sleep(800),
        audio({ data: bargeInAudio, transcript: BARGE_IN }),
        agent(),
      ],
    );
    expect(error).toBeUndefined();
    const recording = voiceRecordingOf(result);

    // The reply was cut where the caller heard it, and marked so.
    const [cut, answer] = agentSegments(recording);
    expect(cut?.transcriptTruncated).toBe(true);
    expect(pcmDurationMs(cut!.audio)).toBeGreaterThan(600);
    expect(pcmDurationMs(cut!.audio)).toBeLessThan(2000);
    expect(answer?.transcriptTruncated).toBeFalsy();
    expect(transcriptOf(result!.messages.at(-1)!)).toBe("Your balance is ten dollars.");

    // The bot stopped by itself once its VAD heard the caller (minSpeechMs 200 of speech).
    expect(bot.replies[0]?.outcome).toBe("interrupted");
    expect(bot.interruptions).toEqual([expect.objectContaining({ replyIndex: 0, cause: "speech" })]);
    expect(bot.replies[0]!.frameCount).toBeLessThan(100);

    // The timeline shows the interrupt, and latency its response time: from the caller's first
    // frame to the bot's InterruptionFrame, which cannot be shorter than the VAD's 200 ms.
    const interrupts = recording.timeline.filter((event) => event.type === "user-interrupt");
    expect(interrupts.map((event) => event.outcome)).toEqual(["fired-after-speech"]);
    expect(recording.latency.interruptResponseTimesMs).toHaveLength(1);
    expect(recording.latency.interruptResponseTimesMs[0]).toBeGreaterThanOrEqual(200);

    // The caller's words reached the bot: its next turn holds the barge-in's audio byte for byte.
    expect(bot.turns.map((turn) => turn.source)).toEqual(["text", "speech"]);
    expect(indexOfBytes(bot.turns[1]!.audio, bargeInAudio)).toBeGreaterThanOrEqual(0);
    if (pocketsphinxAvailable)
      expect(bot.turns[1]!.transcript?.toLowerCase()).toBe(BARGE_IN.toLowerCase().replace(",", ""));
  }, 30_000);
});
