import type { VoiceAudioFormat } from "@scenario/spec";
import { afterEach, describe, expect, it, vi } from "vitest";
import { speechToWire } from "./speech-to-wire";
import { speechWorkerPool } from "./speech-worker-pool";
import { sineTone } from "./test-signals";
import { toWireAudio } from "./wire-audio";

const MULAW_8K: VoiceAudioFormat = { encoding: "mulaw", sampleRateHz: 8000, channels: 1 };
const STEREO_16K: VoiceAudioFormat = { encoding: "pcm16", sampleRateHz: 16_000, channels: 2 };

afterEach(() => {
  vi.restoreAllMocks();
});

describe("speechToWire", () => {
  it("gives the same bytes as toWireAudio, resampled in a worker thread", async () => {
    const run = vi.spyOn(speechWorkerPool(), "run");
    const pcm = sineTone(300, 400);
    for (const format of [MULAW_8K, STEREO_16K]) {
      expect(await speechToWire(pcm, format)).toEqual(toWireAudio(pcm, format));
    }
    expect(run.mock.calls.map(([task]) => task.type)).toEqual(["resample", "resample"]);
  });

  it("converts the same speech in the same format once per process", async () => {
    const run = vi.spyOn(speechWorkerPool(), "run");
    const first = sineTone(523, 300);
    // The same audio in another buffer, as a speech cache hands out copies.
    const [a, b] = await Promise.all([speechToWire(first, MULAW_8K), speechToWire(first.slice(), MULAW_8K)]);
    const c = await speechToWire(first.slice(), MULAW_8K);
    expect(run).toHaveBeenCalledTimes(1);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    // Other audio, or the same audio in another format, is converted on its own.
    await speechToWire(sineTone(660, 300), MULAW_8K);
    await speechToWire(first, STEREO_16K);
    expect(run).toHaveBeenCalledTimes(3);
  });

  it("leaves Scenario's own format alone and skips the resampler at 24 kHz", async () => {
    const run = vi.spyOn(speechWorkerPool(), "run");
    const pcm = sineTone(440, 100);
    expect(await speechToWire(pcm, { encoding: "pcm16", sampleRateHz: 24_000 })).toBe(pcm);
    const alaw24k: VoiceAudioFormat = { encoding: "alaw", sampleRateHz: 24_000 };
    expect(await speechToWire(pcm, alaw24k)).toEqual(toWireAudio(pcm, alaw24k));
    expect(run).not.toHaveBeenCalled();
  });

  it("resamples on the calling thread when the worker fails, to the same bytes", async () => {
    vi.spyOn(speechWorkerPool(), "run").mockRejectedValue(new Error("worker thread exited"));
    const pcm = sineTone(350, 200);
    expect(await speechToWire(pcm, MULAW_8K)).toEqual(toWireAudio(pcm, MULAW_8K));
  });
});
