import wavefile from "wavefile";
import { resampleFixedPoint } from "./decode-wav";
import { assertSampleRate, pcmToSamples, samplesToPcm } from "./pcm";

/**
 * Resamples samples in the PCM16 range from one rate to another with wavefile's windowed-sinc
 * interpolator and a zero-phase low-pass filter at the lower Nyquist frequency, so neither
 * aliasing (down) nor imaging (up) smears speech. A naive linear resampler measurably hurts
 * recognition; this one keeps flite speech recognisable through 24k -> 8k -> 24k.
 */
export function resampleSamples(samples: ArrayLike<number>, fromRate: number, toRate: number): Float64Array {
  assertSampleRate(fromRate);
  assertSampleRate(toRate);
  if (fromRate === toRate || samples.length === 0) return Float64Array.from(samples);
  return resampleFixedPoint(wavefile.WaveFile, samples, fromRate, toRate);
}

/**
 * Resamples PCM16 mono audio from `fromRate` to `toRate` (Hz) with a filtered sinc resampler.
 * The result is clipped and rounded to PCM16.
 */
export function resamplePcm(pcm: Uint8Array, fromRate: number, toRate: number): Uint8Array {
  if (fromRate === toRate) return pcm.slice();
  const samples = pcmToSamples(pcm);
  return samplesToPcm(resampleSamples(samples, fromRate, toRate));
}
