import { ConfigurationError, VOICE_SAMPLE_RATE, type VoiceAudioFormat } from "@scenario/spec";
import alawmulaw from "alawmulaw";
import { pcmToSamples, samplesToPcm } from "./pcm";
import { resamplePcm } from "./resample-pcm";

// Conversions between Scenario's audio (24 kHz mono PCM16) and a transport's wire format, declared
// as a `VoiceAudioFormat` record in its capabilities.

const ENCODINGS = ["pcm16", "mulaw", "alaw"] as const;

/** The format everything inside Scenario uses: 24 kHz mono PCM16. */
export const SCENARIO_AUDIO_FORMAT: Readonly<VoiceAudioFormat> = Object.freeze({
  encoding: "pcm16",
  sampleRateHz: VOICE_SAMPLE_RATE,
  channels: 1,
});

/** "mulaw 8000 Hz mono", for messages and the README's capability table. */
export function describeAudioFormat(format: VoiceAudioFormat): string {
  const channels = format.channels ?? 1;
  const layout = channels === 1 ? "mono" : channels === 2 ? "stereo" : `${channels} channels`;
  return `${format.encoding} ${format.sampleRateHz} Hz ${layout}`;
}

/** Throws a `ConfigurationError` naming `where` when `format` is not a format the driver can convert. */
export function assertAudioFormat(format: VoiceAudioFormat | undefined, where: string): void {
  const problem =
    format === undefined || typeof format !== "object"
      ? "is missing"
      : !ENCODINGS.includes(format.encoding as (typeof ENCODINGS)[number])
        ? `has encoding ${JSON.stringify(format.encoding)}`
        : !Number.isInteger(format.sampleRateHz) ||
            format.sampleRateHz < 1000 ||
            format.sampleRateHz > 192_000
          ? `has sample rate ${String(format.sampleRateHz)}`
          : format.channels !== undefined && (!Number.isInteger(format.channels) || format.channels < 1)
            ? `has ${String(format.channels)} channels`
            : undefined;
  if (problem === undefined) return;
  throw new ConfigurationError(
    `${where} ${problem}. Declare { encoding: "pcm16" | "mulaw" | "alaw", sampleRateHz: an integer ` +
      "between 1000 and 192000, channels?: a positive integer }.",
  );
}

/** True when `format` is Scenario's own (24 kHz mono PCM16): no conversion needed. */
export function isScenarioAudioFormat(format: VoiceAudioFormat): boolean {
  return (
    format.encoding === "pcm16" && format.sampleRateHz === VOICE_SAMPLE_RATE && (format.channels ?? 1) === 1
  );
}

/** Bytes one sample of one channel takes in `encoding`. */
function bytesPerSample(format: VoiceAudioFormat): number {
  return format.encoding === "pcm16" ? 2 : 1;
}

/** Bytes of one frame (one sample of every channel) in `format`. */
export function wireFrameBytes(format: VoiceAudioFormat): number {
  return bytesPerSample(format) * (format.channels ?? 1);
}

/** Bytes of `ms` milliseconds of audio in `format`, rounded to whole frames. */
export function wireByteLength(ms: number, format: VoiceAudioFormat): number {
  return Math.round((ms * format.sampleRateHz) / 1000) * wireFrameBytes(format);
}

/** Milliseconds of audio in `byteLength` bytes of `format`. */
export function wireDurationMs(byteLength: number, format: VoiceAudioFormat): number {
  return (byteLength / wireFrameBytes(format) / format.sampleRateHz) * 1000;
}

function decodeSamples(data: Uint8Array, format: VoiceAudioFormat): Int16Array {
  switch (format.encoding) {
    case "pcm16":
      return pcmToSamples(data.byteLength % 2 === 0 ? data : data.subarray(0, data.byteLength - 1));
    case "mulaw":
      return alawmulaw.mulaw.decode(data);
    case "alaw":
      return alawmulaw.alaw.decode(data);
  }
}

function encodeSamples(samples: Int16Array, format: VoiceAudioFormat): Uint8Array {
  switch (format.encoding) {
    case "pcm16":
      return samplesToPcm(samples);
    case "mulaw":
      return alawmulaw.mulaw.encode(samples);
    case "alaw":
      return alawmulaw.alaw.encode(samples);
  }
}

/** Averages interleaved channels into one. */
function downmix(samples: Int16Array, channels: number): Int16Array {
  if (channels === 1) return samples;
  const mono = new Int16Array(Math.floor(samples.length / channels));
  for (let frame = 0; frame < mono.length; frame++) {
    let sum = 0;
    for (let channel = 0; channel < channels; channel++) sum += samples[frame * channels + channel] ?? 0;
    mono[frame] = Math.round(sum / channels);
  }
  return mono;
}

/** Copies each sample into every channel. */
function upmix(samples: Int16Array, channels: number): Int16Array {
  if (channels === 1) return samples;
  const interleaved = new Int16Array(samples.length * channels);
  for (let frame = 0; frame < samples.length; frame++) {
    interleaved.fill(samples[frame] ?? 0, frame * channels, (frame + 1) * channels);
  }
  return interleaved;
}

/**
 * Converts Scenario audio (24 kHz mono PCM16) into a transport's wire format: resampled with the
 * filtered resampler, G.711-encoded for mu-law and A-law, duplicated into every channel.
 */
export function toWireAudio(pcm: Uint8Array, format: VoiceAudioFormat): Uint8Array {
  if (isScenarioAudioFormat(format)) return pcm.slice();
  return encodeWireAudio(resamplePcm(pcm, VOICE_SAMPLE_RATE, format.sampleRateHz), format);
}

/**
 * The second half of `toWireAudio()`: PCM16 mono audio already at the format's rate,
 * G.711-encoded for mu-law and A-law and duplicated into every channel.
 */
export function encodeWireAudio(pcm: Uint8Array, format: VoiceAudioFormat): Uint8Array {
  return encodeSamples(upmix(pcmToSamples(pcm), format.channels ?? 1), format);
}

/** Converts audio in a transport's wire format into Scenario audio (24 kHz mono PCM16). */
export function fromWireAudio(data: Uint8Array, format: VoiceAudioFormat): Uint8Array {
  if (isScenarioAudioFormat(format)) return data.slice();
  const mono = downmix(decodeSamples(data, format), format.channels ?? 1);
  return resamplePcm(samplesToPcm(mono), format.sampleRateHz, VOICE_SAMPLE_RATE);
}

/** True when two formats are the same on the wire. */
export function sameAudioFormat(left: VoiceAudioFormat, right: VoiceAudioFormat): boolean {
  return (
    left.encoding === right.encoding &&
    left.sampleRateHz === right.sampleRateHz &&
    (left.channels ?? 1) === (right.channels ?? 1)
  );
}
