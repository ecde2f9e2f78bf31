import { describe, expect, it } from "vitest";
import {
  decodeAudio,
  encodeAudio,
  fromMulaw8k,
  fromPcm16k,
  pcmDurationMs,
  pcmToSamples,
  resamplePcm,
  rmsEnergy,
  toMulaw8k,
  toPcm16k,
} from "./index";
import { goertzelAmplitude, mixSignals, sineTone } from "./test-signals";

describe("resamplePcm", () => {
  it("keeps a tone's frequency and level through 24k -> 16k -> 24k", () => {
    const tone = sineTone(1000, 500, 0.5);
    const back = fromPcm16k(toPcm16k(tone));
    expect(pcmDurationMs(back)).toBeCloseTo(500, -1);
    expect(goertzelAmplitude(back, 1000)).toBeGreaterThan(0.4);
    expect(rmsEnergy(back)).toBeCloseTo(rmsEnergy(tone), 1);
  });

  it("filters out what the lower rate cannot carry instead of aliasing it", () => {
    // 6 kHz is above 8 kHz audio's 4 kHz Nyquist limit: a naive resampler folds it to 2 kHz.
    const mixed = mixSignals(sineTone(1000, 500, 0.3), sineTone(6000, 500, 0.3));
    const telephone = resamplePcm(mixed, 24_000, 8000);
    expect(goertzelAmplitude(telephone, 1000, 8000)).toBeGreaterThan(0.2);
    expect(goertzelAmplitude(telephone, 2000, 8000)).toBeLessThan(0.02);
  });

  it("returns a copy at equal rates", () => {
    const tone = sineTone(440, 10);
    const same = resamplePcm(tone, 24_000, 24_000);
    expect(same).not.toBe(tone);
    expect(Array.from(same)).toEqual(Array.from(tone));
  });

  it("rejects invalid rates", () => {
    expect(() => resamplePcm(sineTone(440, 10), 0, 8000)).toThrow(/Invalid sample rate 0/);
  });
});

describe("mu-law 8 kHz", () => {
  it("encodes one byte per 8 kHz sample and decodes back to 24 kHz", () => {
    const tone = sineTone(500, 1000, 0.5);
    const mulaw = toMulaw8k(tone);
    expect(mulaw.byteLength).toBe(8000);
    const back = fromMulaw8k(mulaw);
    expect(pcmDurationMs(back)).toBeCloseTo(1000, -1);
    expect(goertzelAmplitude(back, 500)).toBeGreaterThan(0.4);
  });

  it("maps silence to mu-law silence (0xff), not -1", () => {
    const mulaw = toMulaw8k(new Uint8Array(480));
    expect(Array.from(mulaw).every((byte) => byte === 0xff)).toBe(true);
  });
});

describe("encodeAudio / decodeAudio", () => {
  it("converts every wire format and back", () => {
    const tone = sineTone(440, 200, 0.5);
    for (const [format, bytesPerSecond] of [
      ["pcm16-24khz", 48_000],
      ["pcm16-16khz", 32_000],
      ["pcm16-8khz", 16_000],
      ["mulaw-8khz", 8000],
      ["alaw-8khz", 8000],
    ] as const) {
      const wire = encodeAudio(tone, format);
      expect(wire.byteLength, format).toBeCloseTo(bytesPerSecond / 5, -1);
      const back = decodeAudio(wire, format);
      expect(goertzelAmplitude(back, 440), format).toBeGreaterThan(0.4);
      expect(pcmToSamples(back).length, format).toBeGreaterThan(4700);
    }
  });

  it("names the formats it knows when given another", () => {
    expect(() => encodeAudio(new Uint8Array(2), "opus" as never)).toThrow(
      /Unknown audio format "opus".*mulaw-8khz/,
    );
  });
});
