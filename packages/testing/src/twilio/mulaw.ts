import { syntheticSpeech } from "../realtime/synthetic-speech";

// G.711 μ-law written out for the fake bot's hot paths: the VAD reads every 20 ms frame, and the
// synthetic replies must be ready within a think time. Going through @scenario/voice resamples
// 8 <-> 24 kHz with its sinc filter, about 100 ms of CPU per second of audio on these machines.

const BIAS = 0x84;
const CLIP = 32_635;

/** One μ-law byte to a linear PCM16 sample. */
export function mulawToLinear(byte: number): number {
  const inverted = ~byte & 0xff;
  const magnitude = ((((inverted & 0x0f) << 3) + BIAS) << ((inverted >> 4) & 0x07)) - BIAS;
  return inverted & 0x80 ? -magnitude : magnitude;
}

/** One linear PCM16 sample to a μ-law byte. */
export function linearToMulaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(Math.abs(Math.round(sample)), CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

const MULAW_LEVELS = Float64Array.from({ length: 256 }, (_, byte) => mulawToLinear(byte) / 32_768);

/** The RMS level (0..1 of full scale) of μ-law audio. */
export function mulawRms(audio: Uint8Array): number {
  if (audio.byteLength === 0) return 0;
  let sumOfSquares = 0;
  for (const byte of audio) {
    const level = MULAW_LEVELS[byte]!;
    sumOfSquares += level * level;
  }
  return Math.sqrt(sumOfSquares / audio.byteLength);
}

/**
 * `syntheticSpeech()` as μ-law 8 kHz. Its tones stay below 1.5 kHz, so keeping every third 24 kHz
 * sample cannot alias: no filter needed.
 */
export function syntheticMulaw(transcript: string): Uint8Array {
  const pcm = syntheticSpeech(transcript);
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const mulaw = new Uint8Array(Math.floor(pcm.byteLength / 6));
  for (let index = 0; index < mulaw.length; index++) {
    mulaw[index] = linearToMulaw(view.getInt16(index * 6, true));
  }
  return mulaw;
}
