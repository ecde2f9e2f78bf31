import type { VoiceRecording } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { sineTone } from "./test-signals";
import { voiceCallSummary } from "./voice-call-summary";

const recording: VoiceRecording = {
  segments: [
    { speaker: "user", startMs: 0, endMs: 1000, audio: sineTone(300, 1000) },
    { speaker: "agent", startMs: 1400, endMs: 2400, audio: sineTone(500, 1000) },
  ],
  timeline: [
    { type: "user-interrupt", atMs: 2000, outcome: "fired-after-speech", details: { responseMs: 75 } },
    { type: "user-interrupt", atMs: 2600, outcome: "nothing-to-interrupt" },
  ],
  latency: { timeToFirstAudioMs: [400, 700], interruptResponseTimesMs: [75] },
};

describe("voiceCallSummary", () => {
  it("summarises turns, barge-ins and latency (with the reference's names) as plain JSON", () => {
    const summary = voiceCallSummary(recording);
    expect(summary).toEqual({
      durationMs: 2400,
      turns: [
        { turn: 1, timeToFirstAudioMs: 400 },
        { turn: 2, timeToFirstAudioMs: 700 },
      ],
      interrupts: [
        { atMs: 2000, outcome: "fired-after-speech", responseMs: 75 },
        { atMs: 2600, outcome: "nothing-to-interrupt" },
      ],
      latency: {
        timeToFirstAudioMs: [400, 700],
        interruptResponseTimesMs: [75],
        averageMs: 550,
        p50Ms: 400,
        p95Ms: 700,
        timeToFirstByte: 400,
        averageResponseTime: 550,
        p50ResponseTime: 400,
        p95ResponseTime: 700,
        interruptResponseTime: 75,
      },
    });
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });

  it("points the player at a saved WAV beside the report, and refuses paths that leave it", () => {
    expect(voiceCallSummary(recording, { audioFile: "calls/refund/call.wav" }).audioSrc).toBe(
      "calls/refund/call.wav",
    );
    for (const audioFile of [
      "../call.wav",
      "/tmp/call.wav",
      "https://example.test/call.wav",
      "C:\\\\call.wav",
    ]) {
      expect(() => voiceCallSummary(recording, { audioFile })).toThrow(/relative to the report/);
    }
  });

  it("embeds the mixed call as an 8 kHz WAV when asked, as long as the call", () => {
    const src = voiceCallSummary(recording, { embedAudio: true }).audioSrc!;
    const wav = Buffer.from(src.replace("data:audio/wav;base64,", ""), "base64");
    expect(wav.readUInt32LE(24)).toBe(8000);
    // 2400 ms at 8 kHz, 2 bytes a sample, after a 44-byte header.
    expect(wav.byteLength - 44).toBe(2400 * 8 * 2);
  });
});
