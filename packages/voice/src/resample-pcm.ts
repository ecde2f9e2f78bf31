import wavefile from "wavefile";
import { pcm16FromSamples, resampleFixedPoint, resamplePcm16, type WavDecodingKit } from "./decode-wav";
import { assertSampleRate, pcmToSamples } from "./pcm";

/** The calling thread's copy of what the self-contained functions of decode-wav.ts are handed. */
export const WAV_DECODING_KIT: WavDecodingKit = {
  WaveFile: wavefile.WaveFile,
  resample: resampleFixedPoint,
  toPcm16: pcm16FromSamples,
};

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
 * The result is clipped and rounded to PCM16. It runs on the calling thread, about 25 ms per
 * second of speech: `speechToWire()` resamples a caller's utterance in a worker thread.
 */
export function resamplePcm(pcm: Uint8Array, fromRate: number, toRate: number): Uint8Array {
  assertSampleRate(fromRate);
  assertSampleRate(toRate);
  if (fromRate === toRate) return pcm.slice();
  assertWholeSamples(pcm);
  return resamplePcm16(WAV_DECODING_KIT, pcm, fromRate, toRate);
}

/** Throws the odd-length error `pcmToSamples` gives, without converting anything. */
function assertWholeSamples(pcm: Uint8Array): void {
  if (pcm.byteLength % 2 !== 0) pcmToSamples(pcm);
}
