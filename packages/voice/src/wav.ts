import { ConfigurationError, VOICE_SAMPLE_RATE } from "@scenario/spec";
import wavefile from "wavefile";
import { decodeWav } from "./decode-wav";
import { assertSampleRate } from "./pcm";
import { WAV_DECODING_KIT } from "./resample-pcm";

/** The parts of wavefile's untyped `fmt` chunk this module reads. */
interface WavFormatChunk {
  numChannels: number;
  sampleRate: number;
}

/** Bytes of the RIFF/WAVE header `pcmToWav()` writes before the samples. */
const WAV_HEADER_BYTES = 44;

/**
 * Wraps PCM16 mono audio in a WAV file (RIFF, 16-bit, one channel). Written directly, not through
 * wavefile, whose per-sample packing took hundreds of milliseconds of the event loop for a call's
 * replies; the bytes are the same as wavefile's.
 * @param sampleRate @default 24000
 */
export function pcmToWav(pcm: Uint8Array, sampleRate: number = VOICE_SAMPLE_RATE): Uint8Array {
  assertSampleRate(sampleRate);
  if (pcm.byteLength % 2 !== 0) {
    throw new ConfigurationError(
      `PCM16 audio has an odd number of bytes (${pcm.byteLength}): each sample takes 2 bytes. Keep chunks whole samples.`,
    );
  }
  const wav = new Uint8Array(WAV_HEADER_BYTES + pcm.byteLength);
  const header = new DataView(wav.buffer);
  const ascii = (offset: number, text: string) => {
    for (let index = 0; index < text.length; index++) wav[offset + index] = text.charCodeAt(index);
  };
  ascii(0, "RIFF");
  header.setUint32(4, WAV_HEADER_BYTES - 8 + pcm.byteLength, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  header.setUint32(16, 16, true); // fmt chunk size
  header.setUint16(20, 1, true); // integer PCM
  header.setUint16(22, 1, true); // one channel
  header.setUint32(24, sampleRate, true);
  header.setUint32(28, sampleRate * 2, true); // bytes per second
  header.setUint16(32, 2, true); // bytes per frame
  header.setUint16(34, 16, true); // bits per sample
  ascii(36, "data");
  header.setUint32(40, pcm.byteLength, true);
  // PCM16 little-endian is already the byte order WAV stores.
  wav.set(pcm, WAV_HEADER_BYTES);
  return wav;
}

/** Options of `wavToPcm()`. */
export interface WavToPcmOptions {
  /**
   * The sample rate of the result, in Hz.
   * @default 24000
   */
  sampleRate?: number;
}

/** Parses a WAV file's headers. */
function parseWavHeaders(wav: Uint8Array): InstanceType<typeof wavefile.WaveFile> {
  const file = new wavefile.WaveFile();
  try {
    file.fromBuffer(wav, false);
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
  assertSampleRate(targetRate);
  try {
    return decodeWav(WAV_DECODING_KIT, wav, targetRate);
  } catch (error) {
    // The decoder's messages are written for the user; its cause is wavefile's own error.
    const { message, cause } = error as Error;
    throw new ConfigurationError(message, cause === undefined ? undefined : { cause });
  }
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
  const file = parseWavHeaders(wav);
  const format = file.fmt as WavFormatChunk & { blockAlign: number };
  const dataBytes = (file.data as { chunkSize: number }).chunkSize;
  const frames = format.blockAlign > 0 ? Math.floor(dataBytes / format.blockAlign) : 0;
  return {
    sampleRate: format.sampleRate,
    channels: format.numChannels,
    durationMs: (frames / format.sampleRate) * 1000,
  };
}
