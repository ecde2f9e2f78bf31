import type { VoiceAudioFormat } from "@scenario/spec";
import type { ElevenLabsAudioFormatName } from "./elevenlabs-types";

const PCM_RATES = new Set([8000, 16_000, 22_050, 24_000, 44_100, 48_000]);

/** The audio format an ElevenLabs format name stands for; undefined for a name it does not use. */
export function elevenLabsAudioFormat(name: string): VoiceAudioFormat | undefined {
  if (name === "ulaw_8000") return { encoding: "mulaw", sampleRateHz: 8000, channels: 1 };
  const match = /^pcm_(\d+)$/.exec(name);
  if (match === null || !PCM_RATES.has(Number(match[1]))) return undefined;
  return { encoding: "pcm16", sampleRateHz: Number(match[1]), channels: 1 };
}

/** Bytes a millisecond of audio takes in the named format. */
export function bytesPerMs(name: ElevenLabsAudioFormatName): number {
  const format = elevenLabsAudioFormat(name)!;
  return (format.sampleRateHz / 1000) * (format.encoding === "pcm16" ? 2 : 1);
}
