import { type AudioChunk, ConfigurationError, VOICE_SAMPLE_RATE } from "@scenario/spec";
import { type AiSdkModelLike, loadAiSdk } from "./ai-sdk";
import { resamplePcm } from "./resample-pcm";
import type { SynthesizeOptions, TextToSpeechProvider } from "./speech-provider";
import { wavToPcm } from "./wav";

/** Options of `openAISpeech()`. */
export interface OpenAISpeechOptions {
  /** An AI SDK speech model: `openai.speech("gpt-4o-mini-tts")` from `@ai-sdk/openai`. */
  model: AiSdkModelLike;
  /**
   * The default voice.
   * @default "alloy"
   */
  voice?: string;
  /**
   * The sample rate of raw PCM the model returns, in Hz (OpenAI's `pcm` format is 24 kHz).
   * @default 24000
   */
  pcmSampleRate?: number;
  /** Extra HTTP headers for each request. */
  headers?: Record<string, string>;
  /**
   * Retries per request on transient errors.
   * @default 2
   */
  maxRetries?: number;
}

function isWav(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 12 && Buffer.from(bytes.subarray(0, 4)).toString("latin1") === "RIFF";
}

/**
 * Text-to-speech through the AI SDK's `experimental_generateSpeech` (OpenAI's speech API by
 * default). Asks for raw PCM and converts it to 24 kHz PCM16; a `style` becomes the model's
 * `instructions` ("speak hurriedly, slightly annoyed"), which gpt-4o-mini-tts follows. Needs the
 * optional peer dependency `ai` and a provider package such as `@ai-sdk/openai`.
 */
export function openAISpeech(options: OpenAISpeechOptions): TextToSpeechProvider {
  if (!options?.model) {
    throw new ConfigurationError(
      'openAISpeech() needs `model`: pass openAISpeech({ model: openai.speech("gpt-4o-mini-tts") }) with `openai` from @ai-sdk/openai.',
    );
  }
  const { model } = options;
  const pcmSampleRate = options.pcmSampleRate ?? VOICE_SAMPLE_RATE;
  return {
    id: `openai:${model.modelId}`,
    async synthesize(text: string, synthesizeOptions: SynthesizeOptions = {}): Promise<AudioChunk> {
      const ai = await loadAiSdk("openAISpeech()");
      const result = await ai.experimental_generateSpeech({
        model: model as Parameters<typeof ai.experimental_generateSpeech>[0]["model"],
        text,
        voice: synthesizeOptions.voice ?? options.voice ?? "alloy",
        outputFormat: "pcm",
        ...(synthesizeOptions.style !== undefined && { instructions: synthesizeOptions.style }),
        ...(options.headers && { headers: options.headers }),
        ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
        ...(synthesizeOptions.signal && { abortSignal: synthesizeOptions.signal }),
      });
      const bytes = result.audio.uint8Array;
      if (isWav(bytes)) return { data: wavToPcm(bytes), transcript: text };
      // Raw PCM16: an odd trailing byte would be half a sample.
      const pcm = bytes.subarray(0, bytes.byteLength - (bytes.byteLength % 2));
      return { data: resamplePcm(pcm, pcmSampleRate, VOICE_SAMPLE_RATE), transcript: text };
    },
  };
}
