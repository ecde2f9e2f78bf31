import { decodeAudio, encodeAudio } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { syntheticSpeech } from "../realtime/synthetic-speech";
import { linearToMulaw, mulawRms, mulawToLinear, syntheticMulaw } from "./mulaw";

describe("the fake bot's μ-law", () => {
  it("round-trips every code (but negative zero) like G.711", () => {
    for (let byte = 0; byte < 256; byte++) {
      if (byte === 0x7f) continue; // -0 encodes as +0 (0xff)
      expect(linearToMulaw(mulawToLinear(byte))).toBe(byte);
    }
    expect(linearToMulaw(0)).toBe(0xff);
    expect(mulawToLinear(0xff)).toBe(0);
  });

  it("decodes as the codec @scenario/voice uses", () => {
    // Through the shared codec: mu-law -> 24 kHz -> mu-law keeps the level, so compare levels.
    const mulaw = encodeAudio(syntheticSpeech("level check"), "mulaw-8khz");
    const viaLibrary = decodeAudio(mulaw, "mulaw-8khz");
    const view = new DataView(viaLibrary.buffer, viaLibrary.byteOffset, viaLibrary.byteLength);
    let sum = 0;
    for (let index = 0; index < viaLibrary.byteLength / 2; index++)
      sum += (view.getInt16(index * 2, true) / 32768) ** 2;
    expect(mulawRms(mulaw)).toBeCloseTo(Math.sqrt(sum / (viaLibrary.byteLength / 2)), 2);
  });

  it("makes synthetic speech at 8 kHz: a third of the samples, the same level", () => {
    const pcm = syntheticSpeech("hello there");
    const mulaw = syntheticMulaw("hello there");
    expect(mulaw.byteLength).toBe(pcm.byteLength / 6);
    expect(mulawRms(mulaw)).toBeCloseTo(mulawRms(encodeAudio(pcm, "mulaw-8khz")), 2);
  });
});
