import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AudioChunk } from "@scenario/spec";
import type { SynthesizeOptions, TextToSpeechProvider } from "./speech-provider";
import { pcmToWav, wavToPcm } from "./wav";

/** Options of `withSpeechCache()`. */
export interface SpeechCacheOptions {
  /**
   * A directory to keep synthesized audio in across runs (one WAV per text, voice, style and
   * provider), so paid TTS is not paid twice. Without it, the cache lives in memory only.
   */
  dir?: string;
}

function cacheKey(providerId: string, text: string, options: SynthesizeOptions): string {
  return createHash("sha256")
    .update(JSON.stringify([providerId, text, options.voice ?? null, options.style ?? null]))
    .digest("hex");
}

async function readCachedAudio(file: string): Promise<Uint8Array | undefined> {
  try {
    return wavToPcm(await readFile(file));
  } catch {
    // A missing or damaged cache file is (re-)synthesized rather than failing the run.
    return undefined;
  }
}

/**
 * Wraps a TTS provider with a cache keyed by text, voice, style and provider id: in memory, and on
 * disk when `dir` is given. Concurrent requests for the same speech share one synthesis; failures
 * are not cached.
 */
export function withSpeechCache(
  provider: TextToSpeechProvider,
  options: SpeechCacheOptions = {},
): TextToSpeechProvider {
  const memory = new Map<string, Promise<Uint8Array>>();
  const { dir } = options;

  async function load(key: string, text: string, synthesizeOptions: SynthesizeOptions): Promise<Uint8Array> {
    const file = dir === undefined ? undefined : join(dir, `${key}.wav`);
    if (file) {
      const cached = await readCachedAudio(file);
      if (cached) return cached;
    }
    const audio = await provider.synthesize(text, synthesizeOptions);
    if (file && dir !== undefined) {
      await mkdir(dir, { recursive: true });
      // Written aside and renamed, so a concurrent reader never sees half a file.
      const partial = `${file}.${process.pid}.${Date.now()}.partial`;
      await writeFile(partial, pcmToWav(audio.data));
      await rename(partial, file);
    }
    return audio.data;
  }

  return {
    id: provider.id,
    async synthesize(text: string, synthesizeOptions: SynthesizeOptions = {}): Promise<AudioChunk> {
      const key = cacheKey(provider.id, text, synthesizeOptions);
      let pending = memory.get(key);
      if (!pending) {
        pending = load(key, text, synthesizeOptions);
        memory.set(key, pending);
        pending.catch(() => memory.delete(key));
      }
      // A copy, so a caller changing its audio cannot change the cache.
      return { data: (await pending).slice(), transcript: text };
    },
  };
}
