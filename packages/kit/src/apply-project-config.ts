import {
  type CacheMode,
  configureScenarioLLM,
  resolveModel,
  type ScenarioLLMConfig,
  toLanguageModelV3,
} from "@scenario/llm";
import type { ScenarioModel, ScenarioModelSettings, ScenarioProjectConfig } from "./define-config";

type LanguageModelV3 = ReturnType<typeof toLanguageModelV3>;

/**
 * Applies the model and cache settings of a `scenario.config.ts` to Scenario's LLM participants
 * (the judge and the user simulator): the CLI calls it before running, and a test framework's
 * setup file can call it with the same config to get the same defaults.
 */
export function applyProjectConfig(
  config: Pick<ScenarioProjectConfig, "defaultModel" | "cacheMode" | "cacheDir">,
): void {
  const update: ScenarioLLMConfig = {};
  if (config.defaultModel !== undefined) update.defaultModel = toDefaultModel(config.defaultModel);
  if (config.cacheMode !== undefined) update.cacheMode = config.cacheMode satisfies CacheMode;
  if (config.cacheDir !== undefined) update.cacheDir = config.cacheDir;
  configureScenarioLLM(update);
}

function isModelSettings(value: ScenarioModel | ScenarioModelSettings): value is ScenarioModelSettings {
  return typeof value === "object" && value !== null && "model" in value && !("doGenerate" in value);
}

function toDefaultModel(value: ScenarioModel | ScenarioModelSettings): ScenarioModel {
  if (!isModelSettings(value)) return value;
  if (value.temperature === undefined && value.maxTokens === undefined) return value.model;
  const model =
    typeof value.model === "string"
      ? resolveModel(value.model, { participant: "defaultModel in scenario.config.ts" })
      : toLanguageModelV3(value.model);
  return withCallSettings(model, value);
}

// The settings fill in what a call leaves unset, so a participant's own temperature still wins.
function withCallSettings(model: LanguageModelV3, settings: ScenarioModelSettings): LanguageModelV3 {
  const apply = <T extends { temperature?: number; maxOutputTokens?: number }>(options: T): T => ({
    ...options,
    temperature: options.temperature ?? settings.temperature,
    maxOutputTokens: options.maxOutputTokens ?? settings.maxTokens,
  });
  return {
    specificationVersion: model.specificationVersion,
    provider: model.provider,
    modelId: model.modelId,
    supportedUrls: model.supportedUrls,
    doGenerate: (options) => model.doGenerate(apply(options)),
    doStream: (options) => model.doStream(apply(options)),
  };
}
