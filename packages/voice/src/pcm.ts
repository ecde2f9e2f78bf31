import { ConfigurationError, VOICE_SAMPLE_RATE } from "@scenario/spec";
import { pcm16FromSamples } from "./decode-wav";

/** Bytes per PCM16 sample. */
const BYTES_PER_SAMPLE = 2;

/** Throws a `ConfigurationError` unless `sampleRate` is a positive, finite number of Hz. */
export function assertSampleRate(sampleRate: number): void {
  if (!Number.isFinite(sampleRate) || sampleRate <= 0) {
    throw new ConfigurationError(
      `Invalid sample rate ${sampleRate}: pass a positive number of Hz, such as 24000.`,
    );
  }
}

/**
 * Reads PCM16 little-endian bytes as samples. Works on any byte offset (a view into a larger
 * buffer) and on big-endian hosts.
 */
export function pcmToSamples(pcm: Uint8Array): Int16Array {
  if (pcm.byteLength % BYTES_PER_SAMPLE !== 0) {
    throw new ConfigurationError(
      `PCM16 audio has an odd number of bytes (${pcm.byteLength}): each sample takes 2 bytes. Keep chunks whole samples.`,
    );
  }
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const samples = new Int16Array(pcm.byteLength / BYTES_PER_SAMPLE);
  for (let index = 0; index < samples.length; index++) {
    samples[index] = view.getInt16(index * BYTES_PER_SAMPLE, true);
  }
  return samples;
}

/**
 * Writes samples as PCM16 little-endian bytes. Values outside the 16-bit range (from mixing or
 * gain) are clipped, and fractional values rounded.
 */
export function samplesToPcm(samples: ArrayLike<number>): Uint8Array {
  return pcm16FromSamples(samples);
}

/** Rounds and clips one sample to the PCM16 range. NaN becomes silence. */
export function clipSample(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.max(-32_768, Math.min(32_767, Math.round(value)));
}

/**
 * How long PCM16 mono audio lasts, in milliseconds.
 * @param sampleRate @default 24000 (the rate of every `AudioChunk`)
 */
export function pcmDurationMs(pcm: Uint8Array, sampleRate: number = VOICE_SAMPLE_RATE): number {
  return pcmDurationMsOfBytes(pcm.byteLength, sampleRate);
}

/**
 * How long `byteLength` bytes of PCM16 mono audio last, in milliseconds (whole samples only: a
 * trailing odd byte counts for nothing). For when only the count is kept, not the bytes.
 * @param sampleRate @default 24000 (the rate of every `AudioChunk`)
 */
export function pcmDurationMsOfBytes(byteLength: number, sampleRate: number = VOICE_SAMPLE_RATE): number {
  assertSampleRate(sampleRate);
  return (Math.floor(byteLength / BYTES_PER_SAMPLE) * 1000) / sampleRate;
}

/**
 * The number of PCM16 bytes that `ms` milliseconds take (whole samples, rounded to the nearest).
 * @param sampleRate @default 24000
 */
export function pcmByteLength(ms: number, sampleRate: number = VOICE_SAMPLE_RATE): number {
  assertSampleRate(sampleRate);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new ConfigurationError(`Invalid duration ${ms} ms: pass a number of milliseconds >= 0.`);
  }
  return Math.round((ms * sampleRate) / 1000) * BYTES_PER_SAMPLE;
}

/**
 * PCM16 silence (zeros) lasting `ms` milliseconds.
 * @param sampleRate @default 24000
 */
export function silence(ms: number, sampleRate: number = VOICE_SAMPLE_RATE): Uint8Array {
  return new Uint8Array(pcmByteLength(ms, sampleRate));
}

/** Joins PCM chunks, in order, into one buffer. */
export function concatPcm(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}

/**
 * Splits PCM16 audio into frames of `frameMs` milliseconds (the last one may be shorter), for
 * streaming audio in real-time sized pieces or for frame-wise analysis. The frames are views
 * into `pcm`, not copies.
 * @param sampleRate @default 24000
 */
export function splitPcmFrames(
  pcm: Uint8Array,
  frameMs: number,
  sampleRate: number = VOICE_SAMPLE_RATE,
): Uint8Array[] {
  const frameBytes = pcmByteLength(frameMs, sampleRate);
  if (frameBytes === 0) {
    throw new ConfigurationError(
      `Frame length ${frameMs} ms holds no whole sample at ${sampleRate} Hz: pass a longer frame (for example 20 ms).`,
    );
  }
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < pcm.byteLength; offset += frameBytes) {
    frames.push(pcm.subarray(offset, Math.min(offset + frameBytes, pcm.byteLength)));
  }
  return frames;
}

/**
 * The root-mean-square level of PCM16 audio, from 0 (silence) to 1 (full scale). A cheap stand-in
 * for voice activity detection: speech frames sit well above a silence threshold such as 0.01.
 */
export function rmsEnergy(pcm: Uint8Array): number {
  const samples = pcmToSamples(pcm);
  if (samples.length === 0) return 0;
  let sumOfSquares = 0;
  for (const sample of samples) {
    const normalized = sample / 32_768;
    sumOfSquares += normalized * normalized;
  }
  return Math.sqrt(sumOfSquares / samples.length);
}

/** The RMS level in decibels relative to full scale (`-Infinity` for digital silence). */
export function rmsDbfs(pcm: Uint8Array): number {
  return 20 * Math.log10(rmsEnergy(pcm));
}

/** Encodes bytes (PCM, WAV, mu-law) as base64, as realtime APIs carry audio in JSON. */
export function pcmToBase64(pcm: Uint8Array): string {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString("base64");
}

/** Decodes base64 into bytes. */
export function base64ToPcm(base64: string): Uint8Array {
  // A copy, not a view: small Buffers share a pooled ArrayBuffer that callers must not see.
  return new Uint8Array(Buffer.from(base64, "base64"));
}
