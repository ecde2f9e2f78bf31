import { describe, expect, it } from "vitest";
import wavefile from "wavefile";
import { pcmDurationMs, pcmToSamples, pcmToWav, rmsEnergy, wavInfo, wavToPcm } from "./index";
import { goertzelAmplitude, sineTone } from "./test-signals";

describe("WAV", () => {
  it("writes 24 kHz mono PCM16 and reads it back byte for byte", () => {
    const tone = sineTone(440, 300);
    const wav = pcmToWav(tone);
    expect(Buffer.from(wav.subarray(0, 4)).toString("latin1")).toBe("RIFF");
    expect(wavInfo(wav)).toEqual({ sampleRate: 24_000, channels: 1, durationMs: 300 });
    expect(Array.from(wavToPcm(wav))).toEqual(Array.from(tone));
  });

  it("writes the same bytes as wavefile's encoder, at any rate and length", () => {
    for (const sampleRate of [8000, 16_000, 22_050, 24_000, 44_100]) {
      for (const length of [0, 1, 7, 4800]) {
        const samples = Int16Array.from({ length }, (_, index) => ((index * 7919) % 65_536) - 32_768);
        const reference = new wavefile.WaveFile();
        reference.fromScratch(1, sampleRate, "16", samples);
        const pcm = new Uint8Array(samples.buffer);
        expect(Buffer.from(pcmToWav(pcm, sampleRate)).equals(Buffer.from(reference.toBuffer()))).toBe(true);
      }
    }
    expect(() => pcmToWav(new Uint8Array(3))).toThrow(/odd number of bytes \(3\)/);
  });

  it("reads stereo 44.1 kHz float audio as 24 kHz mono PCM16", () => {
    const frames = 44_100 / 2;
    const left = new Float32Array(frames);
    const right = new Float32Array(frames);
    for (let index = 0; index < frames; index++) {
      left[index] = 0.5 * Math.sin((2 * Math.PI * 1000 * index) / 44_100);
      right[index] = left[index] ?? 0;
    }
    const file = new wavefile.WaveFile();
    file.fromScratch(2, 44_100, "32f", [left, right]);
    const pcm = wavToPcm(file.toBuffer());
    expect(pcmDurationMs(pcm)).toBeCloseTo(500, -1);
    expect(goertzelAmplitude(pcm, 1000)).toBeGreaterThan(0.4);
  });

  it("averages the channels of stereo audio", () => {
    const file = new wavefile.WaveFile();
    file.fromScratch(2, 24_000, "16", [new Int16Array(100).fill(1000), new Int16Array(100).fill(3000)]);
    expect(Array.from(pcmToSamples(wavToPcm(file.toBuffer())).subarray(0, 3))).toEqual([2000, 2000, 2000]);
  });

  it("reads 8 kHz mu-law WAV files", () => {
    const file = new wavefile.WaveFile();
    file.fromScratch(1, 8000, "16", pcmToSamples(sineTone(300, 1000, 0.5, 8000)));
    file.toMuLaw();
    const pcm = wavToPcm(file.toBuffer());
    expect(pcmDurationMs(pcm)).toBeCloseTo(1000, -1);
    expect(goertzelAmplitude(pcm, 300)).toBeGreaterThan(0.4);
  });

  it("converts to another rate on request", () => {
    const pcm16k = wavToPcm(pcmToWav(sineTone(440, 1000)), { sampleRate: 16_000 });
    expect(pcmDurationMs(pcm16k, 16_000)).toBeCloseTo(1000, -1);
    expect(rmsEnergy(pcm16k)).toBeGreaterThan(0.3);
  });

  it("says what is wrong with bytes that are not a WAV file", () => {
    expect(() => wavToPcm(new Uint8Array([1, 2, 3, 4]))).toThrow(/Cannot read the WAV audio.*RIFF\/WAVE/);
    expect(() => wavInfo(new Uint8Array(8))).toThrow(/Cannot read the WAV audio/);
  });
});
