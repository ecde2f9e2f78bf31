import { ConfigurationError, VOICE_SAMPLE_RATE } from "@scenario/spec";
import wavefile from "wavefile";
import { pcmToSamples, samplesToPcm } from "./pcm";
import { resampleSamples } from "./resample-pcm";

/** The parts of wavefile's untyped `fmt` chunk this module reads. */
interface WavFormatChunk {
  numChannels: number;
  sampleRate: number;
}

/**
 * Wraps PCM16 mono audio in a WAV file (RIFF, 16-bit, one channel).
 * @param sampleRate @default 24000
 */
export function pcmToWav(pcm: Uint8Array, sampleRate: number = VOICE_SAMPLE_RATE): Uint8Array {
  const file = new wavefile.WaveFile();
  file.fromScratch(1, sampleRate, "16", pcmToSamples(pcm));
  return file.toBuffer();
}

/** Options of `wavToPcm()`. */
export interface WavToPcmOptions {
  /**
   * The sample rate of the result, in Hz.
   * @default 24000
   */
  sampleRate?: number;
}

/** Parses a WAV file; `readSamples: false` reads only its headers. */
function parseWav(wav: Uint8Array, readSamples = true): InstanceType<typeof wavefile.WaveFile> {
  const file = new wavefile.WaveFile();
  try {
    file.fromBuffer(wav, readSamples);
    return file;
  } catch (error) {
    throw new ConfigurationError(
      `Cannot read the WAV audio (${(error as Error).message}): pass the bytes of a RIFF/WAVE file.`,
      { cause: error },
    );
  }
}

/**
 * Reads a WAV file of any sample rate, channel count and encoding (8/16/24/32-bit PCM, float,
 * mu-law, A-law, IMA ADPCM) into PCM16 mono at 24 kHz (or `options.sampleRate`): channels are
 * averaged, the rate is converted with the filtered resampler.
 */
export function wavToPcm(wav: Uint8Array, options: WavToPcmOptions = {}): Uint8Array {
  const targetRate = options.sampleRate ?? VOICE_SAMPLE_RATE;
  const file = parseWav(wav);
  // Read now: the conversions below replace the fmt object.
  const { sampleRate, numChannels } = file.fmt as WavFormatChunk;
  if (sampleRate <= 0) {
    throw new ConfigurationError(`The WAV audio declares sample rate ${sampleRate}: the file is damaged.`);
  }
  if (file.bitDepth === "8m") file.fromMuLaw();
  else if (file.bitDepth === "8a") file.fromALaw();
  else if (file.bitDepth === "4") file.fromIMAADPCM();

  let mono: Float64Array;
  const rawBytes = (file.data as { samples: Uint8Array }).samples;
  if (file.bitDepth === "16" && file.container === "RIFF" && numChannels === 1) {
    // The common case, read directly: wavefile's generic unpacking is slow on long calls.
    mono = Float64Array.from(
      pcmToSamples(rawBytes.subarray(0, rawBytes.byteLength - (rawBytes.byteLength % 2))),
    );
  } else {
    if (file.bitDepth !== "16") file.toBitDepth("16");
    const samples = file.getSamples(false, Float64Array) as Float64Array | Float64Array[];
    mono = Array.isArray(samples) ? downmix(samples) : samples;
  }
  return samplesToPcm(resampleSamples(mono, sampleRate, targetRate));
}

function downmix(channels: Float64Array[]): Float64Array {
  const length = channels[0]?.length ?? 0;
  const mono = new Float64Array(length);
  for (const channel of channels) {
    for (let index = 0; index < length; index++) mono[index] = (mono[index] ?? 0) + (channel[index] ?? 0);
  }
  for (let index = 0; index < length; index++) mono[index] = (mono[index] ?? 0) / channels.length;
  return mono;
}

/** What a WAV file's header declares. */
export interface WavInfo {
  /** Samples per second, in Hz. */
  sampleRate: number;
  /** Number of channels. */
  channels: number;
  /** Length of the audio, in milliseconds (exact for PCM, float and G.711 files). */
  durationMs: number;
}

/** Reads a WAV file's header (rate, channels, duration) without decoding its samples. */
export function wavInfo(wav: Uint8Array): WavInfo {
  const file = parseWav(wav, false);
  const format = file.fmt as WavFormatChunk & { blockAlign: number };
  const dataBytes = (file.data as { chunkSize: number }).chunkSize;
  const frames = format.blockAlign > 0 ? Math.floor(dataBytes / format.blockAlign) : 0;
  return {
    sampleRate: format.sampleRate,
    channels: format.numChannels,
    durationMs: (frames / format.sampleRate) * 1000,
  };
}
