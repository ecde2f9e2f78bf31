import { openai } from "@ai-sdk/openai";
import type { LanguageModel } from "ai";

let offlineModel: LanguageModel | undefined;

/** Makes the support agent use `model` (the offline demo points it at the local fake model server). */
export function useSupportModel(model: LanguageModel | undefined): void {
  offlineModel = model;
}

/**
 * The model behind the support agent: the one set with `useSupportModel()`, else OpenAI's
 * `SUPPORT_AGENT_MODEL` (default gpt-4.1-mini) with OPENAI_API_KEY.
 */
export function supportModel(): LanguageModel {
  return offlineModel ?? openai(process.env.SUPPORT_AGENT_MODEL ?? "gpt-4.1-mini");
}
