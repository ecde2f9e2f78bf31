import { type AudioFormat, ConfigurationError, VOICE_SAMPLE_RATE } from "@scenario/spec";
import alawmulaw from "alawmulaw";
import { pcmToSamples, samplesToPcm } from "./pcm";
import { resamplePcm } from "./resample-pcm";

const TELEPHONY_SAMPLE_RATE = 8_000;
const WIDEBAND_SAMPLE_RATE = 16_000;

/** Converts 24 kHz PCM16 to 8 kHz G.711 mu-law (telephony: Twilio media streams, SIP). */
export function toMulaw8k(pcm: Uint8Array): Uint8Array {
  return alawmulaw.mulaw.encode(pcmToSamples(resamplePcm(pcm, VOICE_SAMPLE_RATE, TELEPHONY_SAMPLE_RATE)));
}

/** Converts 8 kHz G.711 mu-law to 24 kHz PCM16. */
export function fromMulaw8k(mulaw: Uint8Array): Uint8Array {
  return resamplePcm(samplesToPcm(alawmulaw.mulaw.decode(mulaw)), TELEPHONY_SAMPLE_RATE, VOICE_SAMPLE_RATE);
}

/** Converts 24 kHz PCM16 to 8 kHz G.711 A-law (European telephony). */
export function toAlaw8k(pcm: Uint8Array): Uint8Array {
  return alawmulaw.alaw.encode(pcmToSamples(resamplePcm(pcm, VOICE_SAMPLE_RATE, TELEPHONY_SAMPLE_RATE)));
}

/** Converts 8 kHz G.711 A-law to 24 kHz PCM16. */
export function fromAlaw8k(alaw: Uint8Array): Uint8Array {
  return resamplePcm(samplesToPcm(alawmulaw.alaw.decode(alaw)), TELEPHONY_SAMPLE_RATE, VOICE_SAMPLE_RATE);
}

/** Converts 24 kHz PCM16 to 16 kHz PCM16 (what most speech recognisers and Gemini Live take). */
export function toPcm16k(pcm: Uint8Array): Uint8Array {
  return resamplePcm(pcm, VOICE_SAMPLE_RATE, WIDEBAND_SAMPLE_RATE);
}

/** Converts 16 kHz PCM16 to 24 kHz PCM16. */
export function fromPcm16k(pcm16k: Uint8Array): Uint8Array {
  return resamplePcm(pcm16k, WIDEBAND_SAMPLE_RATE, VOICE_SAMPLE_RATE);
}

function unknownFormat(format: never): never {
  throw new ConfigurationError(
    `Unknown audio format "${String(format)}": use one of pcm16-24khz, pcm16-16khz, pcm16-8khz, mulaw-8khz, alaw-8khz.`,
  );
}

/**
 * Encodes 24 kHz PCM16 (an `AudioChunk`'s data) into an adapter's wire format. Adapters call this
 * at the edge, so everything inside Scenario stays 24 kHz PCM16.
 */
export function encodeAudio(pcm: Uint8Array, format: AudioFormat): Uint8Array {
  switch (format) {
    case "pcm16-24khz":
      return pcm.slice();
    case "pcm16-16khz":
      return toPcm16k(pcm);
    case "pcm16-8khz":
      return resamplePcm(pcm, VOICE_SAMPLE_RATE, TELEPHONY_SAMPLE_RATE);
    case "mulaw-8khz":
      return toMulaw8k(pcm);
    case "alaw-8khz":
      return toAlaw8k(pcm);
    default:
      return unknownFormat(format);
  }
}

/** Decodes audio in an adapter's wire format into 24 kHz PCM16. */
export function decodeAudio(data: Uint8Array, format: AudioFormat): Uint8Array {
  switch (format) {
    case "pcm16-24khz":
      return data.slice();
    case "pcm16-16khz":
      return fromPcm16k(data);
    case "pcm16-8khz":
      return resamplePcm(data, TELEPHONY_SAMPLE_RATE, VOICE_SAMPLE_RATE);
    case "mulaw-8khz":
      return fromMulaw8k(data);
    case "alaw-8khz":
      return fromAlaw8k(data);
    default:
      return unknownFormat(format);
  }
}
