import { ConfigurationError } from "@scenario/spec";

/**
 * An AI SDK model object (`openai.speech("gpt-4o-mini-tts")`, `openai.transcription("whisper-1")`),
 * typed loosely so that `ai` stays an optional peer dependency of this package.
 */
export interface AiSdkModelLike {
  /** The model's id, for example "gpt-4o-mini-tts". */
  readonly modelId: string;
  /** The provider's name, for example "openai.speech". */
  readonly provider: string;
}

type AiModule = typeof import("ai");

/** Loads the optional `ai` package, or explains how to install it. */
export async function loadAiSdk(caller: string): Promise<AiModule> {
  try {
    return await import("ai");
  } catch (error) {
    throw new ConfigurationError(
      `${caller} needs the \`ai\` package (the Vercel AI SDK), which is not installed: run \`npm install ai @ai-sdk/openai\`.`,
      { cause: error },
    );
  }
}
