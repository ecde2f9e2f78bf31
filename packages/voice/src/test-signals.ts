import { VOICE_SAMPLE_RATE } from "@scenario/spec";
import { pcmToSamples, samplesToPcm } from "./pcm";

// Signals and measurements shared by this package's tests. Not exported from the package.

/** A sine tone as PCM16. */
export function sineTone(
  frequencyHz: number,
  ms: number,
  amplitude = 0.5,
  sampleRate = VOICE_SAMPLE_RATE,
): Uint8Array {
  const length = Math.round((ms * sampleRate) / 1000);
  const samples = new Float64Array(length);
  for (let index = 0; index < length; index++) {
    samples[index] = amplitude * 32_767 * Math.sin((2 * Math.PI * frequencyHz * index) / sampleRate);
  }
  return samplesToPcm(samples);
}

/** Mixes PCM16 signals of equal length. */
export function mixSignals(...signals: Uint8Array[]): Uint8Array {
  const decoded = signals.map(pcmToSamples);
  const length = Math.min(...decoded.map((samples) => samples.length));
  const mixed = new Float64Array(length);
  for (const samples of decoded) {
    for (let index = 0; index < length; index++) mixed[index] = (mixed[index] ?? 0) + (samples[index] ?? 0);
  }
  return samplesToPcm(mixed);
}

/**
 * The amplitude of one frequency in PCM16 audio by the Goertzel algorithm, normalised so a
 * full-scale sine at that frequency gives about 1.
 */
export function goertzelAmplitude(
  pcm: Uint8Array,
  frequencyHz: number,
  sampleRate = VOICE_SAMPLE_RATE,
): number {
  const samples = pcmToSamples(pcm);
  const coefficient = 2 * Math.cos((2 * Math.PI * frequencyHz) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  for (const sample of samples) {
    const current = sample / 32_768 + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const power =
    previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  return (2 * Math.sqrt(Math.max(0, power))) / Math.max(1, samples.length);
}
