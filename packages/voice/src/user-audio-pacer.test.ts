import type { VoiceAudioFormat } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { UserAudioPacer } from "./user-audio-pacer";

const PCM16_24K: VoiceAudioFormat = { encoding: "pcm16", sampleRateHz: 24_000, channels: 1 };
const FRAME_MS = 20;
const FRAME_BYTES = 960; // 20 ms of PCM16 at 24 kHz

/**
 * A pacer on a virtual clock: waiting advances the clock at once, and `blockAfterFrame` makes the
 * send of those frames take extra milliseconds (the event loop busy elsewhere). Returns the clock
 * time each frame left at.
 */
function pacedRun(blockAfterFrame: Record<number, number>) {
  let nowMs = 1000;
  const sentAtMs: number[] = [];
  const pacer = new UserAudioPacer({
    format: PCM16_24K,
    frameMs: FRAME_MS,
    realtime: true,
    wallNowMs: () => nowMs,
    delay: async (ms) => {
      nowMs += ms;
    },
    send: async () => {
      sentAtMs.push(nowMs);
      nowMs += blockAfterFrame[sentAtMs.length - 1] ?? 0;
    },
  });
  return { pacer, sentAtMs, now: () => nowMs };
}

describe("UserAudioPacer in real time", () => {
  it("sends frame n of a stretch n * frameMs after the first", async () => {
    const { pacer, sentAtMs } = pacedRun({});
    await pacer.push(new Uint8Array(FRAME_BYTES * 5));
    await pacer.flush();
    expect(sentAtMs).toEqual([1000, 1020, 1040, 1060, 1080]);
    expect(pacer.maxLagMs).toBe(0);
  });

  it("catches up after the event loop was blocked for 50 ms, so the stretch ends on schedule", async () => {
    const { pacer, sentAtMs } = pacedRun({ 3: 50 });
    // One push per frame, as UserSpeech sends a message's audio.
    for (let frame = 0; frame < 10; frame++) await pacer.push(new Uint8Array(FRAME_BYTES));
    await pacer.flush();
    // Frames 4 and 5 were due at 1080 and 1100 while the loop was busy until 1110: they leave at
    // once, and from frame 6 on every frame leaves at its original due time.
    expect(sentAtMs).toEqual([1000, 1020, 1040, 1060, 1110, 1110, 1120, 1140, 1160, 1180]);
    expect(pacer.maxLagMs).toBe(30);
  });

  it("starts a new schedule after a pause longer than it catches up on, and after flush()", async () => {
    const { pacer, sentAtMs } = pacedRun({ 1: 800 });
    await pacer.push(new Uint8Array(FRAME_BYTES * 3));
    // Frame 2 was due at 1040 but the audio came 780 ms late: no burst to make up for it.
    expect(sentAtMs).toEqual([1000, 1020, 1820]);
    await pacer.flush();
    await pacer.push(new Uint8Array(FRAME_BYTES * 2));
    await pacer.flush();
    expect(sentAtMs.slice(3)).toEqual([1820, 1840]);
  });

  it("sends without waiting when the transport takes audio as fast as it comes", async () => {
    let nowMs = 0;
    const sentAtMs: number[] = [];
    const pacer = new UserAudioPacer({
      format: PCM16_24K,
      frameMs: FRAME_MS,
      realtime: false,
      wallNowMs: () => nowMs,
      delay: async (ms) => {
        nowMs += ms;
      },
      send: async () => {
        sentAtMs.push(nowMs);
      },
    });
    await pacer.push(new Uint8Array(FRAME_BYTES * 3 + 10));
    await pacer.flush();
    expect(sentAtMs).toEqual([0, 0, 0, 0]);
  });
});
