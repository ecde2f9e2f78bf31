import { rmsEnergy } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { syntheticSpeech } from "./synthetic-speech";

const BYTES_PER_MS = 48;

describe("syntheticSpeech", () => {
  it("is deterministic and differs between texts", () => {
    const first = syntheticSpeech("check my balance");
    expect(Buffer.compare(syntheticSpeech("check my balance"), first)).toBe(0);
    expect(Buffer.compare(syntheticSpeech("close my account"), first)).not.toBe(0);
  });

  it("lasts msPerCharacter per character, at least minDurationMs", () => {
    expect(syntheticSpeech("hello world").byteLength).toBe(11 * 60 * BYTES_PER_MS);
    expect(syntheticSpeech("hi").byteLength).toBe(300 * BYTES_PER_MS);
    expect(syntheticSpeech("").byteLength).toBe(300 * BYTES_PER_MS);
    expect(syntheticSpeech("hello", { msPerCharacter: 100, minDurationMs: 0 }).byteLength).toBe(
      500 * BYTES_PER_MS,
    );
  });

  it("sounds like speech to a level meter: loud words, quiet gaps, peaks under full scale", () => {
    const audio = syntheticSpeech("hello   world");
    const word = audio.subarray(100 * BYTES_PER_MS, 200 * BYTES_PER_MS);
    // Characters 5..7 are spaces: 300..480 ms.
    const gap = audio.subarray(330 * BYTES_PER_MS, 450 * BYTES_PER_MS);
    expect(rmsEnergy(word)).toBeGreaterThan(0.05);
    expect(rmsEnergy(gap)).toBeLessThan(0.001);
    const view = new DataView(audio.buffer, audio.byteOffset, audio.byteLength);
    let peak = 0;
    for (let offset = 0; offset < audio.byteLength; offset += 2)
      peak = Math.max(peak, Math.abs(view.getInt16(offset, true)));
    expect(peak).toBeLessThan(0.35 * 32768);
    expect(peak).toBeGreaterThan(0.05 * 32768);
  });
});
