import { agent, sleep, succeed, user } from "@scenario/script";
import { syntheticSpeech } from "@scenario/testing/realtime";
import type { TextToSpeechProvider } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { twilioAgent } from "../src";
import {
  byteDifference,
  fakeTwilioBot,
  noiseMulaw,
  runScenario,
  speechSpanFrames,
  voiceRecordingOf,
} from "./twilio-test-helpers";

const syntheticTts: TextToSpeechProvider = {
  id: "synthetic",
  async synthesize(text) {
    return { data: syntheticSpeech(text), transcript: text };
  },
};

const LONG_REPLY = { transcript: "Let me read you all of our fees.", audio: noiseMulaw(4000, 7) };
const SHORT_REPLY = { transcript: "Of course, stopping.", audio: noiseMulaw(300, 8) };
// The agent step sends the caller's words at the pace of speech (1.3 s), the bot's VAD waits 300 ms
// and answers at once: 2.2 s after the step the bot has talked for about half a second.
const SCRIPT = [
  user("Tell me about the fees"),
  agent({ wait: false }),
  sleep(2200),
  user("Stop please"),
  agent(),
  succeed(),
];

describe("twilioAgent: barge-in", () => {
  it("the bot's clear cuts its reply: truncated, timed from the caller's first frame, the words reach the bot", async () => {
    const bot = await fakeTwilioBot({ vad: { silenceDurationMs: 300 }, reply: [LONG_REPLY, SHORT_REPLY] });
    const { result, error } = await runScenario(
      [twilioAgent({ url: bot.url, speech: syntheticTts, silenceTailMs: 600 })],
      SCRIPT,
    );
    expect(error).toBeUndefined();
    expect(result?.status).toBe("SUCCESS");
    const recording = voiceRecordingOf(result);

    // The bot heard the caller over its reply and cleared it.
    expect(bot.clears).toHaveLength(1);
    expect(bot.replies[0]!.outcome).toBe("cleared");
    expect(bot.turns[1]).toMatchObject({ bargeIn: true });
    // ...and the caller's words after the barge-in made a turn the bot answered.
    expect(bot.replies[1]).toMatchObject({ transcript: SHORT_REPLY.transcript, outcome: "completed" });
    // All of "Stop please" (660 ms of speech: 33 frames) reached it, after the bot stopped talking.
    expect(Math.abs(speechSpanFrames(bot.turns[1]!.audio) - 33)).toBeLessThanOrEqual(1);

    const [cut, answer] = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(cut?.transcriptTruncated).toBe(true);
    // What was heard of the cut reply is a prefix of what the bot sent, and shorter than the whole.
    const heard = cut!.wireAudio!.data;
    expect(heard.byteLength).toBeGreaterThan(0);
    expect(heard.byteLength).toBeLessThan(LONG_REPLY.audio.byteLength / 2);
    expect(byteDifference(heard, LONG_REPLY.audio.subarray(0, heard.byteLength))).toBeUndefined();
    expect(answer?.transcriptTruncated).not.toBe(true);
    expect(byteDifference(answer!.wireAudio!.data, SHORT_REPLY.audio)).toBeUndefined();

    const interrupts = recording.timeline.filter((event) => event.type === "user-interrupt");
    expect(interrupts).toHaveLength(1);
    expect(interrupts[0]!.outcome).toBe("fired-after-speech");
    // From the caller's first frame to the clear, as the bot timed it (its VAD needs 40 ms of audio).
    const [responseMs] = recording.latency.interruptResponseTimesMs;
    expect(recording.latency.interruptResponseTimesMs).toHaveLength(1);
    const botMeasuredMs = bot.clears[0]!.atMs - bot.turns[1]!.speechStartedAtMs;
    // The driver's span holds the bot's (from the first frame sent to the clear received); how much
    // longer it is depends on how busy the shared event loop is, so it is not bounded here.
    expect(responseMs).toBeGreaterThanOrEqual(botMeasuredMs - 5);
    // The timeline's interrupt carries it too.
    expect(interrupts[0]!.details?.responseMs).toBe(Math.round(responseMs!));
    expect(bot.violations).toEqual([]);
  });

  it("a bot that sends faster than real time: its clear drops what had not played yet", async () => {
    const bot = await fakeTwilioBot({
      paceFactor: Number.POSITIVE_INFINITY,
      // A VAD slow to trust speech: the clear comes 200 ms into the barge-in.
      vad: { silenceDurationMs: 300, minSpeechMs: 200 },
      reply: [LONG_REPLY, SHORT_REPLY],
    });
    const { result, error } = await runScenario(
      [twilioAgent({ url: bot.url, speech: syntheticTts, silenceTailMs: 600, playback: "realtime" })],
      SCRIPT,
    );
    expect(error).toBeUndefined();
    const recording = voiceRecordingOf(result);
    // Far more of the reply arrived than played: the caller heard only what played before the barge-in.
    expect(bot.replies[0]!.outcome).toBe("cleared");
    const cut = recording.segments.find((segment) => segment.speaker === "agent")!;
    expect(cut.transcriptTruncated).toBe(true);
    expect(bot.replies[0]!.sentBytes).toBeGreaterThan(cut.wireAudio!.data.byteLength + 8 * 500);
    expect(cut.wireAudio!.data.byteLength).toBeLessThan(LONG_REPLY.audio.byteLength / 2);
    expect(
      byteDifference(cut.wireAudio!.data, LONG_REPLY.audio.subarray(0, cut.wireAudio!.data.byteLength)),
    ).toBeUndefined();
    // Timed to the clear, not to the last frame (which came seconds before the barge-in).
    const [responseMs] = recording.latency.interruptResponseTimesMs;
    const botMeasuredMs = bot.clears[0]!.atMs - bot.turns[1]!.speechStartedAtMs;
    expect(responseMs).toBeGreaterThanOrEqual(200 - 30);
    expect(responseMs).toBeGreaterThanOrEqual(botMeasuredMs - 5);
    expect(bot.replies[1]).toMatchObject({ transcript: SHORT_REPLY.transcript });
  });

  it("without a clear, the response time runs to the bot's last frame", async () => {
    const reply = { transcript: "I will not stop.", audio: noiseMulaw(1600, 9) };
    const bot = await fakeTwilioBot({
      bargeIn: false,
      vad: { silenceDurationMs: 300 },
      reply: [reply, SHORT_REPLY],
    });
    const { result, error } = await runScenario(
      [twilioAgent({ url: bot.url, speech: syntheticTts, silenceTailMs: 600 })],
      SCRIPT,
    );
    expect(error).toBeUndefined();
    const recording = voiceRecordingOf(result);
    expect(bot.clears).toHaveLength(0);
    expect(bot.replies[0]!.frameCount).toBe(80);
    const cut = recording.segments.find((segment) => segment.speaker === "agent");
    expect(cut?.transcriptTruncated).toBe(true);
    // The bot talked on to its end: from the barge-in's first frame to the last reply frame.
    const bargeIn = bot.turns[1]!;
    const lastFrameAt = bot.sent
      .filter((frame) => frame.event === "media" && frame.atMs <= bot.replies[0]!.endedAtMs!)
      .at(-1)!.atMs;
    const [responseMs] = recording.latency.interruptResponseTimesMs;
    expect(recording.latency.interruptResponseTimesMs).toHaveLength(1);
    expect(responseMs).toBeGreaterThanOrEqual(lastFrameAt - bargeIn.speechStartedAtMs - 5);
  });
});
