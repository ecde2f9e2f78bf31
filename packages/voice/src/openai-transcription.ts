import { type AudioChunk, ConfigurationError } from "@scenario/spec";
import { type AiSdkModelLike, loadAiSdk } from "./ai-sdk";
import type { SpeechToTextProvider, TranscribeOptions } from "./speech-provider";
import { pcmToWav } from "./wav";

/** Options of `openAITranscription()`. */
export interface OpenAITranscriptionOptions {
  /** An AI SDK transcription model: `openai.transcription("gpt-4o-mini-transcribe")` from `@ai-sdk/openai`. */
  model: AiSdkModelLike;
  /** Extra HTTP headers for each request. */
  headers?: Record<string, string>;
  /**
   * Retries per request on transient errors.
   * @default 2
   */
  maxRetries?: number;
}

/**
 * Speech-to-text through the AI SDK's `experimental_transcribe` (OpenAI's transcription API by
 * default). Sends the audio as a 24 kHz WAV; expected `phrases` go to the model as a prompt hint.
 * Needs the optional peer dependency `ai` and a provider package such as `@ai-sdk/openai`.
 */
export function openAITranscription(options: OpenAITranscriptionOptions): SpeechToTextProvider {
  if (!options?.model) {
    throw new ConfigurationError(
      'openAITranscription() needs `model`: pass openAITranscription({ model: openai.transcription("gpt-4o-mini-transcribe") }) with `openai` from @ai-sdk/openai.',
    );
  }
  const { model } = options;
  return {
    id: `openai:${model.modelId}`,
    async transcribe(
      audio: AudioChunk | Uint8Array,
      transcribeOptions: TranscribeOptions = {},
    ): Promise<string> {
      const ai = await loadAiSdk("openAITranscription()");
      const pcm = audio instanceof Uint8Array ? audio : audio.data;
      const phrases = transcribeOptions.phrases ?? [];
      const result = await ai.experimental_transcribe({
        model: model as Parameters<typeof ai.experimental_transcribe>[0]["model"],
        audio: pcmToWav(pcm),
        ...(phrases.length > 0 && {
          providerOptions: { openai: { prompt: `Expected phrases: ${phrases.join(" | ")}` } },
        }),
        ...(options.headers && { headers: options.headers }),
        ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
        ...(transcribeOptions.signal && { abortSignal: transcribeOptions.signal }),
      });
      return result.text.trim();
    },
  };
}
