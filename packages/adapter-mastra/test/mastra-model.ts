import type { MastraModelConfig } from "@mastra/core/llm";

/**
 * Hands an AI SDK model to Mastra. Mastra 1.71 declares models with the provider types it bundles
 * (`@ai-sdk/provider` 4.0.17 for specification v4); a model from a newer `@ai-sdk/openai` 4 is the
 * same at run time but a different type, so TypeScript rejects it in the AI SDK 7 leg. The model is
 * passed through unchanged.
 */
export function asMastraModel(model: unknown): MastraModelConfig {
  return model as MastraModelConfig;
}
