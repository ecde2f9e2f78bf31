import { ConfigurationError, type VoiceAudioFormat } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { pcmDurationMs, pcmToSamples, rmsEnergy } from "./pcm";
import { sineTone } from "./test-signals";
import {
  assertAudioFormat,
  describeAudioFormat,
  fromWireAudio,
  toWireAudio,
  wireByteLength,
  wireDurationMs,
} from "./wire-audio";

const STEREO_16K: VoiceAudioFormat = { encoding: "pcm16", sampleRateHz: 16_000, channels: 2 };
const ALAW_8K: VoiceAudioFormat = { encoding: "alaw", sampleRateHz: 8000 };

describe("wire audio", () => {
  it("leaves Scenario's own format alone (a copy, byte for byte)", () => {
    const pcm = sineTone(440, 100);
    const wire = toWireAudio(pcm, { encoding: "pcm16", sampleRateHz: 24_000 });
    expect(wire).toEqual(pcm);
    expect(wire).not.toBe(pcm);
  });

  it("duplicates mono into every channel on the way out and averages them on the way in", () => {
    const pcm = sineTone(440, 200);
    const wire = toWireAudio(pcm, STEREO_16K);
    expect(wire.byteLength).toBe(wireByteLength(200, STEREO_16K));
    const samples = pcmToSamples(wire);
    for (let index = 0; index < samples.length; index += 2) expect(samples[index]).toBe(samples[index + 1]);
    const back = fromWireAudio(wire, STEREO_16K);
    expect(pcmDurationMs(back)).toBeCloseTo(200, 0);
    expect(rmsEnergy(back)).toBeCloseTo(rmsEnergy(pcm), 1);
  });

  it("encodes A-law at one byte per sample and measures durations in the wire format", () => {
    const wire = toWireAudio(sineTone(440, 250), ALAW_8K);
    expect(wire.byteLength).toBe(2000);
    expect(wireDurationMs(wire.byteLength, ALAW_8K)).toBe(250);
    expect(describeAudioFormat(ALAW_8K)).toBe("alaw 8000 Hz mono");
  });

  it("refuses a format it cannot convert, saying what to declare", () => {
    expect(() =>
      assertAudioFormat({ encoding: "opus", sampleRateHz: 48_000 } as never, "inputAudioFormat"),
    ).toThrow(ConfigurationError);
    expect(() => assertAudioFormat({ encoding: "pcm16", sampleRateHz: 44.1 }, "outputAudioFormat")).toThrow(
      /outputAudioFormat has sample rate 44.1\. Declare \{ encoding/,
    );
    expect(() => assertAudioFormat({ encoding: "mulaw", sampleRateHz: 8000, channels: 0 }, "x")).toThrow(
      /has 0 channels/,
    );
  });
});
