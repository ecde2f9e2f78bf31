import { createHash } from "node:crypto";
import { VOICE_SAMPLE_RATE, type VoiceAudioFormat } from "@scenario/spec";
import { resamplePcm } from "./resample-pcm";
import { speechWorkerPool } from "./speech-worker-pool";
import { encodeWireAudio, isScenarioAudioFormat } from "./wire-audio";

/** Converted speech kept for reuse, at most this many bytes (the oldest goes first). */
const MAX_CACHED_BYTES = 32 * 1024 * 1024;

interface CachedWire {
  audio: Promise<Uint8Array>;
  bytes: number;
}

const converted = new Map<string, CachedWire>();
let cachedBytes = 0;

/**
 * The caller's speech (24 kHz PCM16 mono, a whole utterance) in a transport's wire format.
 * Converting a whole utterance once, rather than frame by frame, filters it once and keeps the
 * resampler's edges out of the middle of the speech; the resampling (about 25 ms of CPU per
 * second of speech) runs in a speech worker thread, so the runs sharing the event loop keep their
 * pacing. The same speech in the same format (a cached synthesis, a line every run repeats) is
 * converted once per process. The result is shared: read it, never change it.
 */
export function speechToWire(pcm: Uint8Array, format: VoiceAudioFormat): Promise<Uint8Array> {
  if (isScenarioAudioFormat(format) || pcm.byteLength === 0) return Promise.resolve(pcm);
  const key = `${format.encoding}/${format.sampleRateHz}/${format.channels ?? 1}/${createHash("sha1").update(pcm).digest("base64")}`;
  const hit = converted.get(key);
  if (hit !== undefined) {
    // Most recently used last: the Map's order is the eviction order.
    converted.delete(key);
    converted.set(key, hit);
    return hit.audio;
  }
  const entry: CachedWire = { audio: convert(pcm, format), bytes: 0 };
  converted.set(key, entry);
  entry.audio.then(
    (audio) => {
      if (converted.get(key) !== entry) return;
      entry.bytes = audio.byteLength;
      cachedBytes += audio.byteLength;
      evictOverBudget();
    },
    () => converted.delete(key),
  );
  return entry.audio;
}

async function convert(pcm: Uint8Array, format: VoiceAudioFormat): Promise<Uint8Array> {
  let resampled: Uint8Array;
  if (format.sampleRateHz === VOICE_SAMPLE_RATE) {
    resampled = pcm;
  } else {
    resampled = await speechWorkerPool()
      .run({ type: "resample", pcm, fromRate: VOICE_SAMPLE_RATE, toRate: format.sampleRateHz })
      // The same function runs on this thread when no worker can (its thread died): the same bytes.
      .catch(() => resamplePcm(pcm, VOICE_SAMPLE_RATE, format.sampleRateHz));
  }
  return encodeWireAudio(resampled, format);
}

function evictOverBudget(): void {
  for (const [key, entry] of converted) {
    if (cachedBytes <= MAX_CACHED_BYTES) return;
    converted.delete(key);
    cachedBytes -= entry.bytes;
  }
}
