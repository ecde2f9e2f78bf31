import type { AudioChunk } from "@scenario/spec";

/** Options of one `synthesize()` call. */
export interface SynthesizeOptions {
  /** The provider's voice name ("rms" for flite, "alloy" for OpenAI). @default the provider's */
  voice?: string;
  /**
   * How to speak ("hurried and annoyed"). Providers that take instructions (OpenAI) use it;
   * others ignore it.
   */
  style?: string;
  /** Aborts the synthesis. */
  signal?: AbortSignal;
}

/** Turns text into speech. Implement it to plug in any TTS service. */
export interface TextToSpeechProvider {
  /** Identifies the provider and model ("flite", "openai:gpt-4o-mini-tts"); part of cache keys. */
  readonly id: string;
  /** Speaks `text`; resolves to 24 kHz PCM16 mono audio with `transcript` set to `text`. */
  synthesize(text: string, options?: SynthesizeOptions): Promise<AudioChunk>;
}

/** Options of one `transcribe()` call. */
export interface TranscribeOptions {
  /**
   * The phrases the speech is expected to be one of. Recognisers that support it (pocketsphinx)
   * restrict recognition to them (a grammar), which makes offline recognition exact; others may
   * use them as hints or ignore them.
   */
  phrases?: readonly string[];
  /** Aborts the transcription. */
  signal?: AbortSignal;
}

/** Turns speech into text. Implement it to plug in any STT service. */
export interface SpeechToTextProvider {
  /** Identifies the provider and model ("pocketsphinx", "openai:whisper-1"). */
  readonly id: string;
  /** Transcribes 24 kHz PCM16 mono audio (an `AudioChunk` or its bytes). */
  transcribe(audio: AudioChunk | Uint8Array, options?: TranscribeOptions): Promise<string>;
}
