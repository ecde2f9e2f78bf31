import type wavefile from "wavefile";

// The functions in this file run on the calling thread AND in the speech worker threads, which
// get them as source text (Function.prototype.toString) so that one implementation serves both and
// the worker needs no file of its own (it must load from dist and from the TypeScript sources).
// So each one uses only its parameters and JavaScript globals: no imports, no module constants.

/** wavefile's `WaveFile` class, which the self-contained functions are handed. */
export type WaveFileClass = typeof wavefile.WaveFile;

/** What `decodeWav()` needs, passed in rather than imported (see the note at the top). */
export interface WavDecodingKit {
  /** wavefile's `WaveFile` class. */
  WaveFile: WaveFileClass;
  /** `resampleFixedPoint`, or the worker's copy of it. */
  resample: (
    WaveFile: WaveFileClass,
    samples: ArrayLike<number>,
    fromRate: number,
    toRate: number,
  ) => Float64Array;
  /** `pcm16FromSamples`, or the worker's copy of it. */
  toPcm16: (samples: ArrayLike<number>) => Uint8Array;
}

/** Samples in the PCM16 range as PCM16 LE bytes: rounded and clipped, NaN as silence, on any host. */
export function pcm16FromSamples(samples: ArrayLike<number>): Uint8Array {
  const pcm = new Uint8Array(samples.length * 2);
  const out = new DataView(pcm.buffer);
  for (let index = 0; index < samples.length; index++) {
    const value = samples[index] ?? 0;
    out.setInt16(
      index * 2,
      Number.isNaN(value) ? 0 : Math.max(-32_768, Math.min(32_767, Math.round(value))),
      true,
    );
  }
  return pcm;
}

/**
 * Resamples PCM16 LE mono bytes (an even number of them, and valid rates: checked by the caller)
 * with `kit.resample`, back to PCM16 bytes.
 */
export function resamplePcm16(
  kit: WavDecodingKit,
  pcm: Uint8Array,
  fromRate: number,
  toRate: number,
): Uint8Array {
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const samples = new Float64Array(pcm.byteLength >> 1);
  for (let index = 0; index < samples.length; index++) samples[index] = view.getInt16(index * 2, true);
  if (fromRate === toRate || samples.length === 0) return kit.toPcm16(samples);
  return kit.toPcm16(kit.resample(kit.WaveFile, samples, fromRate, toRate));
}

/**
 * Resamples samples in the PCM16 range with wavefile's windowed-sinc interpolator and a zero-phase
 * low-pass filter at the lower Nyquist frequency. The library works on 32-bit integers here, scaled
 * by 2^14: 14 bits below each PCM16 step and 4x headroom above full scale for filter overshoot (its
 * 32-bit integer packing is several times faster than its float packing, and its 16-bit packing
 * would clip the overshoot). Rates are checked by the caller.
 */
export function resampleFixedPoint(
  WaveFile: WaveFileClass,
  samples: ArrayLike<number>,
  fromRate: number,
  toRate: number,
): Float64Array {
  const scale = 16_384;
  const limit = 2_147_483_647 / scale;
  const fixedPoint = Int32Array.from(samples, (sample) =>
    Math.round(Math.max(-limit, Math.min(limit, sample)) * scale),
  );
  const file = new WaveFile();
  file.fromScratch(1, fromRate, "32", fixedPoint);
  // The library fills defaults into the options object, so each call gets a fresh one.
  file.toSampleRate(toRate, { method: "sinc", LPF: true, LPFType: "IIR" });
  const resampled = file.getSamples(false, Float64Array) as unknown as Float64Array;
  for (let index = 0; index < resampled.length; index++) {
    resampled[index] = (resampled[index] ?? 0) / scale;
  }
  return resampled;
}

/**
 * Reads a WAV file of any rate, channel count and encoding into PCM16 LE mono bytes at
 * `targetRate` (a valid rate, checked by the caller). Throws a plain `Error` whose message is
 * meant for the user; the caller wraps it.
 */
export function decodeWav(kit: WavDecodingKit, wav: Uint8Array, targetRate: number): Uint8Array {
  const file = new kit.WaveFile();
  try {
    file.fromBuffer(wav);
  } catch (error) {
    throw new Error(
      `Cannot read the WAV audio (${(error as Error).message}): pass the bytes of a RIFF/WAVE file.`,
      { cause: error },
    );
  }
  // Read now: the conversions below replace the fmt object.
  const { sampleRate, numChannels } = file.fmt as { sampleRate: number; numChannels: number };
  if (sampleRate <= 0)
    throw new Error(`The WAV audio declares sample rate ${sampleRate}: the file is damaged.`);
  if (file.bitDepth === "8m") file.fromMuLaw();
  else if (file.bitDepth === "8a") file.fromALaw();
  else if (file.bitDepth === "4") file.fromIMAADPCM();

  let mono: Float64Array;
  const rawBytes = (file.data as { samples: Uint8Array }).samples;
  if (file.bitDepth === "16" && file.container === "RIFF" && numChannels === 1) {
    // The common case, read directly: wavefile's generic unpacking is slow on long calls.
    const view = new DataView(
      rawBytes.buffer,
      rawBytes.byteOffset,
      rawBytes.byteLength - (rawBytes.byteLength % 2),
    );
    mono = new Float64Array(view.byteLength / 2);
    for (let index = 0; index < mono.length; index++) mono[index] = view.getInt16(index * 2, true);
  } else {
    if (file.bitDepth !== "16") file.toBitDepth("16");
    const samples = file.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
    if (Array.isArray(samples)) {
      mono = new Float64Array(samples[0]?.length ?? 0);
      for (const channel of samples) {
        for (let index = 0; index < mono.length; index++)
          mono[index] = (mono[index] ?? 0) + (channel[index] ?? 0);
      }
      for (let index = 0; index < mono.length; index++) mono[index] = (mono[index] ?? 0) / samples.length;
    } else {
      mono = samples;
    }
  }
  const resampled =
    sampleRate === targetRate || mono.length === 0
      ? mono
      : kit.resample(kit.WaveFile, mono, sampleRate, targetRate);
  return kit.toPcm16(resampled);
}
