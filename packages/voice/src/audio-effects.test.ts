import { describe, expect, it } from "vitest";
import {
  type AudioEffect,
  applyAudioEffects,
  backgroundNoise,
  createSeededRandom,
  packetLoss,
  pcmDurationMs,
  phoneLine,
  rmsDbfs,
  rmsEnergy,
  silence,
  speed,
  splitPcmFrames,
  volume,
} from "./index";
import { goertzelAmplitude, mixSignals, sineTone } from "./test-signals";

const tone = sineTone(440, 1000, 0.25);
const randomEffects: Array<[string, AudioEffect]> = [
  ["backgroundNoise", backgroundNoise({ levelDb: -30 })],
  ["phoneLine", phoneLine()],
  ["packetLoss", packetLoss({ probability: 0.3 })],
];

function same(left: Uint8Array, right: Uint8Array): boolean {
  return Buffer.from(left).equals(Buffer.from(right));
}

describe("createSeededRandom", () => {
  it("repeats a sequence for a seed, differs across seeds, and stays in [0, 1)", () => {
    const draw = (seed: number | string) => {
      const random = createSeededRandom(seed);
      return Array.from({ length: 1000 }, () => random());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw("caller")).toEqual(draw("caller"));
    expect(draw(7)).not.toEqual(draw(8));
    const values = draw(42);
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});

describe("audio effects are seeded", () => {
  for (const [name, effect] of randomEffects) {
    it(`${name}: same seed gives byte-identical audio, another seed different audio`, () => {
      const first = applyAudioEffects(tone, [effect], { seed: 1 });
      expect(same(first, applyAudioEffects(tone, [effect], { seed: 1 }))).toBe(true);
      expect(same(first, applyAudioEffects(tone, [effect], { seed: 2 }))).toBe(false);
      expect(same(first, tone)).toBe(false);
    });
  }

  it("chains effects deterministically and leaves the input untouched", () => {
    const copy = tone.slice();
    const chain = [backgroundNoise(), packetLoss({ probability: 0.2 }), volume({ gainDb: -3 })];
    expect(
      same(applyAudioEffects(tone, chain, { seed: "x" }), applyAudioEffects(tone, chain, { seed: "x" })),
    ).toBe(true);
    expect(same(tone, copy)).toBe(true);
  });
});

describe("backgroundNoise", () => {
  it("adds noise at the asked level", () => {
    const noisy = applyAudioEffects(silence(1000), [backgroundNoise({ levelDb: -30 })]);
    expect(rmsDbfs(noisy)).toBeCloseTo(-30, 0);
    const louder = applyAudioEffects(silence(1000), [backgroundNoise({ levelDb: -20, color: "white" })]);
    expect(rmsDbfs(louder)).toBeCloseTo(-20, 0);
  });

  it("keeps the speech under the noise", () => {
    const noisy = applyAudioEffects(tone, [backgroundNoise({ levelDb: -40 })]);
    expect(goertzelAmplitude(noisy, 440)).toBeCloseTo(0.25, 1);
  });
});

describe("phoneLine", () => {
  it("cuts what is below the telephone band and keeps what is inside it", () => {
    const low = sineTone(100, 1000, 0.3);
    const mid = sineTone(1000, 1000, 0.3);
    const high = sineTone(6000, 1000, 0.3);
    const line = applyAudioEffects(mixSignals(low, mid, high), [phoneLine()]);
    expect(pcmDurationMs(line)).toBe(1000);
    const at1k = goertzelAmplitude(line, 1000);
    expect(at1k).toBeGreaterThan(0.25);
    expect(goertzelAmplitude(line, 100)).toBeLessThan(at1k / 20);
    expect(goertzelAmplitude(line, 6000)).toBeLessThan(at1k / 20);
  });
});

describe("packetLoss", () => {
  it("zero-fills about the asked share of 20 ms frames", () => {
    const long = sineTone(440, 10_000, 0.25);
    const lossy = applyAudioEffects(long, [packetLoss({ probability: 0.25 })], { seed: 3 });
    const frames = splitPcmFrames(lossy, 20);
    const silent = frames.filter((frame) => frame.every((byte) => byte === 0)).length;
    expect(frames).toHaveLength(500);
    expect(silent).toBeGreaterThan(90);
    expect(silent).toBeLessThan(160);
    expect(
      applyAudioEffects(long, [packetLoss({ probability: 0 })]).every((byte, index) => byte === long[index]),
    ).toBe(true);
    expect(applyAudioEffects(long, [packetLoss({ probability: 1 })]).every((byte) => byte === 0)).toBe(true);
  });

  it("rejects probabilities outside 0..1", () => {
    expect(() => packetLoss({ probability: 1.5 })).toThrow(/between 0 and 1, got 1.5/);
  });
});

describe("volume", () => {
  it("scales the level by the gain in dB and clips", () => {
    expect(rmsEnergy(applyAudioEffects(tone, [volume({ gainDb: -6 })]))).toBeCloseTo(
      rmsEnergy(tone) / 1.995,
      3,
    );
    const clipped = applyAudioEffects(tone, [volume({ gainDb: 40 })]);
    // A square wave at full scale has RMS 1; a clipped sine gets close.
    expect(rmsEnergy(clipped)).toBeGreaterThan(0.95);
  });
});

describe("speed", () => {
  it("shortens or lengthens the audio by the factor", () => {
    expect(pcmDurationMs(applyAudioEffects(tone, [speed({ factor: 1.25 })]))).toBeCloseTo(800, -1);
    expect(pcmDurationMs(applyAudioEffects(tone, [speed({ factor: 0.8 })]))).toBeCloseTo(1250, -1);
  });

  it("shifts the pitch with the speed, as tape does", () => {
    const faster = applyAudioEffects(sineTone(400, 1000, 0.5), [speed({ factor: 1.5 })]);
    expect(goertzelAmplitude(faster, 600)).toBeGreaterThan(0.4);
  });

  it("rejects unreasonable factors", () => {
    expect(() => speed({ factor: 0 })).toThrow(/between 0.25 and 4, got 0/);
  });
});
