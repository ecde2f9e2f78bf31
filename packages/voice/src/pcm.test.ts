import { describe, expect, it } from "vitest";
import {
  base64ToPcm,
  concatPcm,
  pcmByteLength,
  pcmDurationMs,
  pcmToBase64,
  pcmToSamples,
  rmsDbfs,
  rmsEnergy,
  samplesToPcm,
  silence,
  splitPcmFrames,
} from "./index";
import { sineTone } from "./test-signals";

describe("PCM helpers", () => {
  it("reads and writes PCM16 little-endian, clipping out-of-range values", () => {
    const pcm = samplesToPcm([0, 1, -1, 40_000, -40_000, 1.6]);
    expect(Array.from(pcm.subarray(0, 6))).toEqual([0, 0, 1, 0, 0xff, 0xff]);
    expect(Array.from(pcmToSamples(pcm))).toEqual([0, 1, -1, 32_767, -32_768, 2]);
  });

  it("reads samples from a view at an odd byte offset", () => {
    const backing = new Uint8Array([9, 0x34, 0x12, 0xff, 0x7f]);
    expect(Array.from(pcmToSamples(backing.subarray(1)))).toEqual([0x1234, 0x7fff]);
  });

  it("rejects an odd number of bytes with a clear error", () => {
    expect(() => pcmToSamples(new Uint8Array(3))).toThrow(/odd number of bytes \(3\)/);
  });

  it("measures durations at 24 kHz by default and at other rates on request", () => {
    expect(pcmDurationMs(new Uint8Array(48_000))).toBe(1000);
    expect(pcmDurationMs(new Uint8Array(16_000), 8000)).toBe(1000);
    expect(pcmByteLength(20)).toBe(960);
  });

  it("makes silence of the asked length, all zeros", () => {
    const quiet = silence(250);
    expect(pcmDurationMs(quiet)).toBe(250);
    expect(quiet.every((byte) => byte === 0)).toBe(true);
    expect(() => silence(-1)).toThrow(/Invalid duration -1 ms/);
  });

  it("concatenates in order", () => {
    const joined = concatPcm([samplesToPcm([1, 2]), samplesToPcm([]), samplesToPcm([3])]);
    expect(Array.from(pcmToSamples(joined))).toEqual([1, 2, 3]);
  });

  it("splits into frames of N ms with a shorter last frame", () => {
    const frames = splitPcmFrames(silence(50), 20);
    expect(frames.map((frame) => pcmDurationMs(frame))).toEqual([20, 20, 10]);
    expect(() => splitPcmFrames(silence(10), 0.01)).toThrow(/holds no whole sample/);
  });

  it("measures RMS energy: 0 for silence, ~0.707 x amplitude for a sine", () => {
    expect(rmsEnergy(silence(100))).toBe(0);
    expect(rmsEnergy(sineTone(440, 500, 0.5))).toBeCloseTo(0.5 / Math.SQRT2, 2);
    expect(rmsDbfs(sineTone(440, 500, 0.5))).toBeCloseTo(20 * Math.log10(0.5 / Math.SQRT2), 1);
  });

  it("round-trips base64", () => {
    const pcm = samplesToPcm([1, -2, 300, -32_768]);
    const encoded = pcmToBase64(pcm);
    expect(encoded).toBe(Buffer.from(pcm).toString("base64"));
    expect(Array.from(base64ToPcm(encoded))).toEqual(Array.from(pcm));
    expect(pcmToBase64(pcm.subarray(2))).toBe(Buffer.from(pcm.subarray(2)).toString("base64"));
  });
});
