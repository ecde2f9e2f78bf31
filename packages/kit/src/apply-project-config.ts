import {
  assertSupportedModel,
  type CacheMode,
  configureScenarioLLM,
  resolveModel,
  type ScenarioLanguageModel,
  type ScenarioLLMConfig,
  wrapModelCalls,
} from "@scenario/llm";
import type { ScenarioModel, ScenarioModelSettings, ScenarioProjectConfig } from "./define-config";

/**
 * Applies the model, cache, price and retry settings of a `scenario.config.ts` to Scenario's LLM participants
 * (the judge and the user simulator): the CLI calls it before running, and a test framework's
 * setup file can call it with the same config to get the same defaults.
 */
export function applyProjectConfig(
  config: Pick<ScenarioProjectConfig, "defaultModel" | "cacheMode" | "cacheDir" | "prices" | "retry">,
): void {
  const update: ScenarioLLMConfig = {};
  if (config.defaultModel !== undefined) update.defaultModel = toDefaultModel(config.defaultModel);
  if (config.cacheMode !== undefined) update.cacheMode = config.cacheMode satisfies CacheMode;
  if (config.cacheDir !== undefined) update.cacheDir = config.cacheDir;
  if (config.prices !== undefined) update.prices = config.prices;
  if (config.retry !== undefined) update.retry = { ...config.retry };
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
      : assertSupportedModel(value.model, "defaultModel in scenario.config.ts");
  return withCallSettings(model, value);
}

// The settings fill in what a call leaves unset, so a participant's own temperature still wins.
// The wrapped model keeps its specification version: call options of v2, v3 and v4 all have these.
function withCallSettings(
  model: ScenarioLanguageModel,
  settings: ScenarioModelSettings,
): ScenarioLanguageModel {
  return wrapModelCalls(model, {
    transformParams(params) {
      const options = params as { temperature?: number; maxOutputTokens?: number };
      return {
        ...options,
        temperature: options.temperature ?? settings.temperature,
        maxOutputTokens: options.maxOutputTokens ?? settings.maxTokens,
      };
    },
  });
}
