import { base64ToPcm, concatPcm, pcmToBase64, rmsEnergy } from "@scenario/voice";

// Thin wrappers over @scenario/voice's PCM helpers, adding what the fake's protocol handling needs.

/** Bytes of PCM16 24 kHz mono audio per millisecond. */
export const BYTES_PER_MS = 48;

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

/** Encodes PCM bytes as base64, as the Realtime API carries audio. */
export const encodeBase64: (bytes: Uint8Array) => string = pcmToBase64;

/** Joins byte arrays into one. */
export const concatBytes: (parts: readonly Uint8Array[]) => Uint8Array = concatPcm;

/** Decodes base64 into a fresh byte array, or undefined when the text is not valid base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  // Node's decoder skips bad characters silently; the real API rejects them, so check first.
  if (text.length % 4 !== 0 || !BASE64_PATTERN.test(text)) return undefined;
  return base64ToPcm(text);
}

/** Root mean square of PCM16 LE samples, scaled to 0..1 (1 = full scale); a trailing odd byte is ignored. */
export function rmsOfPcm16(pcm: Uint8Array): number {
  return rmsEnergy(pcm.byteLength % 2 === 0 ? pcm : pcm.subarray(0, pcm.byteLength - 1));
}

/** Duration of PCM16 24 kHz mono audio, in milliseconds, from its byte length. */
export function pcmDurationMs(byteLength: number): number {
  return byteLength / BYTES_PER_MS;
}
