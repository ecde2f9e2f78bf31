import { ConfigurationError, VOICE_SAMPLE_RATE } from "@scenario/spec";
import { fromMulaw8k, toMulaw8k } from "./audio-codecs";
import { pcmByteLength, pcmToSamples, samplesToPcm } from "./pcm";
import { resampleSamples } from "./resample-pcm";
import { createSeededRandom, deriveSeed, type RandomSource, type Seed } from "./seeded-random";

/** What an effect gets besides the audio. */
export interface AudioEffectContext {
  /** A seeded random source for this effect alone: same seed, same audio. */
  random: RandomSource;
}

/**
 * A transformation of 24 kHz PCM16 audio, such as line noise or packet loss. Effects that draw
 * random numbers take them from `context.random`, so a seed reproduces their output byte for byte.
 */
export interface AudioEffect {
  /** A short name, for reports ("background-noise"). */
  readonly name: string;
  /** Returns the transformed audio; never changes its input. */
  apply(pcm: Uint8Array, context: AudioEffectContext): Uint8Array;
}

/** Options of `applyAudioEffects()`. */
export interface ApplyAudioEffectsOptions {
  /**
   * Seeds the random effects; each effect gets its own stream derived from it and its position.
   * @default 0
   */
  seed?: Seed;
}

/** Applies effects in order to 24 kHz PCM16 audio. Deterministic for a given seed. */
export function applyAudioEffects(
  pcm: Uint8Array,
  effects: readonly AudioEffect[],
  options: ApplyAudioEffectsOptions = {},
): Uint8Array {
  const seed = options.seed ?? 0;
  let audio = pcm;
  for (const [index, effect] of effects.entries()) {
    audio = effect.apply(audio, {
      random: createSeededRandom(deriveSeed(seed, "effect", index, effect.name)),
    });
  }
  return audio === pcm ? pcm.slice() : audio;
}

function decibelsToGain(decibels: number): number {
  return 10 ** (decibels / 20);
}

function requireFinite(effect: string, name: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new ConfigurationError(`${effect}(): ${name} must be a finite number, got ${value}.`);
  }
}

/** Options of `backgroundNoise()`. */
export interface BackgroundNoiseOptions {
  /**
   * The noise level in dBFS (RMS relative to full scale): -20 is loud, -40 a quiet room.
   * @default -30
   */
  levelDb?: number;
  /**
   * "pink" (falling with frequency, like rooms, traffic and fans) or "white" (hiss).
   * @default "pink"
   */
  color?: "pink" | "white";
}

/** Adds steady noise under the speech at a given level, like a caller in a busy room. */
export function backgroundNoise(options: BackgroundNoiseOptions = {}): AudioEffect {
  const levelDb = options.levelDb ?? -30;
  const color = options.color ?? "pink";
  requireFinite("backgroundNoise", "levelDb", levelDb);
  if (color !== "pink" && color !== "white") {
    throw new ConfigurationError(
      `backgroundNoise(): color must be "pink" or "white", got "${String(color)}".`,
    );
  }
  return {
    name: "background-noise",
    apply(pcm, { random }) {
      return samplesToPcm(addNoise(pcmToSamples(pcm), color, levelDb, random));
    },
  };
}

/** The samples with seeded noise of `color` added at `levelDb` dBFS (RMS), as a new array. */
function addNoise(
  samples: ArrayLike<number>,
  color: "pink" | "white",
  levelDb: number,
  random: RandomSource,
): Float64Array {
  const mixed = makeNoise(samples.length, color, random);
  scaleToRms(mixed, decibelsToGain(levelDb) * 32_768);
  for (let index = 0; index < mixed.length; index++) {
    mixed[index] = (samples[index] ?? 0) + (mixed[index] ?? 0);
  }
  return mixed;
}

function makeNoise(length: number, color: "pink" | "white", random: RandomSource): Float64Array {
  const noise = new Float64Array(length);
  // Pink noise by Paul Kellet's economy filter of white noise (about -3 dB per octave).
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let index = 0; index < length; index++) {
    const white = random() * 2 - 1;
    if (color === "white") {
      noise[index] = white;
      continue;
    }
    b0 = 0.99765 * b0 + white * 0.099046;
    b1 = 0.963 * b1 + white * 0.2965164;
    b2 = 0.57 * b2 + white * 1.0526913;
    noise[index] = b0 + b1 + b2 + white * 0.1848;
  }
  return noise;
}

function scaleToRms(samples: Float64Array, targetRms: number): void {
  let sumOfSquares = 0;
  for (const sample of samples) sumOfSquares += sample * sample;
  const rms = Math.sqrt(sumOfSquares / Math.max(1, samples.length));
  if (rms === 0) return;
  const gain = targetRms / rms;
  for (let index = 0; index < samples.length; index++) samples[index] = (samples[index] ?? 0) * gain;
}

/** One second-order IIR section (RBJ audio-EQ-cookbook coefficients). */
function biquad(
  samples: Float64Array,
  kind: "lowpass" | "highpass",
  cutoffHz: number,
  sampleRate: number,
): Float64Array {
  const omega = (2 * Math.PI * cutoffHz) / sampleRate;
  const alpha = Math.sin(omega) / (2 * Math.SQRT1_2);
  const cosine = Math.cos(omega);
  const b1 = kind === "lowpass" ? 1 - cosine : -(1 + cosine);
  const b0 = kind === "lowpass" ? b1 / 2 : -b1 / 2;
  const b2 = b0;
  const a0 = 1 + alpha;
  const a1 = -2 * cosine;
  const a2 = 1 - alpha;
  const output = new Float64Array(samples.length);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let index = 0; index < samples.length; index++) {
    const x0 = samples[index] ?? 0;
    const y0 = (b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
    output[index] = y0;
    x2 = x1;
    x1 = x0;
    y2 = y1;
    y1 = y0;
  }
  return output;
}

/** Options of `phoneLine()`. */
export interface PhoneLineOptions {
  /**
   * The lowest frequency the line carries, in Hz.
   * @default 300
   */
  lowCutHz?: number;
  /**
   * The highest frequency the line carries, in Hz.
   * @default 3400
   */
  highCutHz?: number;
  /**
   * Line hiss in dBFS, or null for none.
   * @default -50
   */
  hissDb?: number | null;
}

/**
 * Makes audio sound like a phone call: band-limited to the telephone band (300-3400 Hz, two
 * cascaded second-order filters at each edge), a faint seeded line hiss, and a round trip through
 * 8 kHz G.711 mu-law.
 */
export function phoneLine(options: PhoneLineOptions = {}): AudioEffect {
  const lowCutHz = options.lowCutHz ?? 300;
  const highCutHz = options.highCutHz ?? 3400;
  const hissDb = options.hissDb === undefined ? -50 : options.hissDb;
  requireFinite("phoneLine", "lowCutHz", lowCutHz);
  requireFinite("phoneLine", "highCutHz", highCutHz);
  if (!(lowCutHz > 0 && lowCutHz < highCutHz && highCutHz < VOICE_SAMPLE_RATE / 2)) {
    throw new ConfigurationError(
      `phoneLine(): need 0 < lowCutHz < highCutHz < 12000 Hz, got ${lowCutHz} and ${highCutHz}.`,
    );
  }
  if (hissDb !== null) requireFinite("phoneLine", "hissDb", hissDb);
  return {
    name: "phone-line",
    apply(pcm, { random }) {
      let samples: Float64Array = Float64Array.from(pcmToSamples(pcm));
      for (let pass = 0; pass < 2; pass++) {
        samples = biquad(samples, "highpass", lowCutHz, VOICE_SAMPLE_RATE);
        samples = biquad(samples, "lowpass", highCutHz, VOICE_SAMPLE_RATE);
      }
      if (hissDb !== null) samples = addNoise(samples, "white", hissDb, random);
      const lineAudio = fromMulaw8k(toMulaw8k(samplesToPcm(samples)));
      // The 8 kHz round trip may shift the length by a sample; keep the input's length.
      return fitLength(lineAudio, pcm.byteLength);
    },
  };
}

function fitLength(pcm: Uint8Array, byteLength: number): Uint8Array {
  if (pcm.byteLength === byteLength) return pcm;
  const fitted = new Uint8Array(byteLength);
  fitted.set(pcm.subarray(0, Math.min(byteLength, pcm.byteLength)));
  return fitted;
}

/** Options of `packetLoss()`. */
export interface PacketLossOptions {
  /** The chance (0..1) that each frame is lost. */
  probability: number;
  /**
   * The frame (packet) length in milliseconds.
   * @default 20
   */
  frameMs?: number;
}

/** Drops frames of audio at random, as a lossy network does; lost frames become silence. */
export function packetLoss(options: PacketLossOptions): AudioEffect {
  const { probability } = options;
  const frameMs = options.frameMs ?? 20;
  if (!(probability >= 0 && probability <= 1)) {
    throw new ConfigurationError(`packetLoss(): probability must be between 0 and 1, got ${probability}.`);
  }
  if (!(frameMs > 0)) {
    throw new ConfigurationError(
      `packetLoss(): frameMs must be a positive number of milliseconds, got ${frameMs}.`,
    );
  }
  return {
    name: "packet-loss",
    apply(pcm, { random }) {
      const frameBytes = pcmByteLength(frameMs);
      const output = pcm.slice();
      for (let offset = 0; offset < output.byteLength; offset += frameBytes) {
        // One draw per frame, whatever the outcome, so frame N's fate depends only on the seed.
        if (random() < probability) output.fill(0, offset, Math.min(offset + frameBytes, output.byteLength));
      }
      return output;
    },
  };
}

/** Options of `volume()`. */
export interface VolumeOptions {
  /** The gain in dB: +6 doubles the amplitude, -6 halves it. Loud results are clipped. */
  gainDb: number;
}

/** Makes audio louder or quieter (a near or far microphone); clips what exceeds 16 bits. */
export function volume(options: VolumeOptions): AudioEffect {
  requireFinite("volume", "gainDb", options.gainDb);
  const gain = decibelsToGain(options.gainDb);
  return {
    name: "volume",
    apply(pcm) {
      const samples = pcmToSamples(pcm);
      const scaled = new Float64Array(samples.length);
      for (let index = 0; index < samples.length; index++) scaled[index] = (samples[index] ?? 0) * gain;
      return samplesToPcm(scaled);
    },
  };
}

/** Options of `speed()`. */
export interface SpeedOptions {
  /** How much faster the speech plays: 1.25 lasts 80% as long, 0.8 lasts 125%. */
  factor: number;
}

/**
 * Plays audio faster or slower by resampling, as a tape would: the duration divides by `factor`
 * and the pitch shifts with it. For a hurried or drawling caller.
 */
export function speed(options: SpeedOptions): AudioEffect {
  const { factor } = options;
  if (!(factor >= 0.25 && factor <= 4)) {
    throw new ConfigurationError(`speed(): factor must be between 0.25 and 4, got ${factor}.`);
  }
  return {
    name: "speed",
    apply(pcm) {
      if (factor === 1) return pcm.slice();
      const samples = Float64Array.from(pcmToSamples(pcm));
      return samplesToPcm(resampleSamples(samples, VOICE_SAMPLE_RATE * factor, VOICE_SAMPLE_RATE));
    },
  };
}
