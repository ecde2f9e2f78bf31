import { base64ToPcm } from "@scenario/voice";

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes base64 into a fresh byte array, or undefined when the text is not valid base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  // Node's decoder skips bad characters silently; the real API rejects them, so check first.
  if (text.length % 4 !== 0 || !BASE64_PATTERN.test(text)) return undefined;
  return base64ToPcm(text);
}
