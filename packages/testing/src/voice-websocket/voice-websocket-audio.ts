import { decodeAudio, encodeAudio, pcmToSamples, resamplePcm, samplesToPcm } from "@scenario/voice";
import type { VoiceWebSocketAudioFormat } from "./voice-websocket-types";

/** Why the fake cannot take `format`, or undefined when it can (mu-law only at 8 kHz, as on phone lines). */
export function formatProblem(format: unknown): string | undefined {
  if (typeof format !== "object" || format === null) return "an audio format must be an object";
  const { encoding, sampleRateHz, channels } = format as Record<string, unknown>;
  if (encoding !== "pcm16" && encoding !== "mulaw") return `unknown encoding ${JSON.stringify(encoding)}`;
  if (
    typeof sampleRateHz !== "number" ||
    !Number.isInteger(sampleRateHz) ||
    sampleRateHz < 8000 ||
    sampleRateHz > 48_000
  ) {
    return `sampleRateHz must be a whole number from 8000 to 48000, got ${JSON.stringify(sampleRateHz)}`;
  }
  if (channels !== 1 && channels !== 2) return `channels must be 1 or 2, got ${JSON.stringify(channels)}`;
  if (encoding === "mulaw" && sampleRateHz !== 8000) return "this agent takes mu-law at 8000 Hz only";
  return undefined;
}

/** Bytes in one sample frame of `format`. */
export function frameBytes(format: VoiceWebSocketAudioFormat): number {
  return (format.encoding === "pcm16" ? 2 : 1) * format.channels;
}

/** Milliseconds that `byteLength` bytes of `format` last. */
export function durationMs(byteLength: number, format: VoiceWebSocketAudioFormat): number {
  return (Math.floor(byteLength / frameBytes(format)) * 1000) / format.sampleRateHz;
}

function downmix(pcm: Uint8Array): Uint8Array {
  const samples = pcmToSamples(pcm);
  const mono = new Int16Array(samples.length >> 1);
  for (let index = 0; index < mono.length; index++) {
    mono[index] = Math.round(((samples[2 * index] ?? 0) + (samples[2 * index + 1] ?? 0)) / 2);
  }
  return samplesToPcm(mono);
}

function upmix(pcm: Uint8Array): Uint8Array {
  const samples = pcmToSamples(pcm);
  const stereo = new Int16Array(samples.length * 2);
  for (let index = 0; index < samples.length; index++) {
    stereo[2 * index] = samples[index] ?? 0;
    stereo[2 * index + 1] = samples[index] ?? 0;
  }
  return samplesToPcm(stereo);
}

/** Converts audio in `format` to PCM16 24 kHz mono (for the VAD and a recogniser). */
export function toPcm24k(audio: Uint8Array, format: VoiceWebSocketAudioFormat): Uint8Array {
  const whole = audio.subarray(0, audio.byteLength - (audio.byteLength % frameBytes(format)));
  if (format.encoding === "mulaw") {
    const mono = format.channels === 2 ? whole.filter((_, index) => index % 2 === 0) : whole;
    return decodeAudio(mono, "mulaw-8khz");
  }
  const mono = format.channels === 2 ? downmix(whole) : whole;
  return format.sampleRateHz === 24_000 ? mono : resamplePcm(mono, format.sampleRateHz, 24_000);
}

/** Converts PCM16 24 kHz mono (synthesised speech) to `format`. */
export function fromPcm24k(pcm: Uint8Array, format: VoiceWebSocketAudioFormat): Uint8Array {
  if (format.encoding === "mulaw") {
    const mono = encodeAudio(pcm, "mulaw-8khz");
    if (format.channels === 1) return mono;
    const stereo = new Uint8Array(mono.byteLength * 2);
    for (let index = 0; index < mono.byteLength; index++) {
      stereo[2 * index] = mono[index] ?? 0;
      stereo[2 * index + 1] = mono[index] ?? 0;
    }
    return stereo;
  }
  const resampled = format.sampleRateHz === 24_000 ? pcm : resamplePcm(pcm, 24_000, format.sampleRateHz);
  return format.channels === 2 ? upmix(resampled) : resampled;
}
