import type { TokenUsage } from "@scenario/spec";
import type { LanguageModel } from "ai";
import { type CallWithRetryOptions, callWithRetry, type RetryOptions } from "./call-with-retry";
import type { ScenarioLanguageModel } from "./language-model";
import { getScenarioLLMConfig } from "./llm-config";
import { resolveModel } from "./resolve-model";
import { resolveCacheMode, withScenarioCache } from "./scenario-cache";
import { withUsageReporting } from "./token-usage";

/** Options of `resolveParticipantModel()`. */
export interface ParticipantModelOptions {
  /** The model the participant was given, if any. */
  model?: LanguageModel | undefined;
  /** The participant's factory, for error messages ("judgeAgent()"). */
  participant: string;
  /** The scenario's `cacheKey`; when set (and the cache mode is not `off`) calls are recorded and replayed. */
  cacheKey?: string | undefined;
  /** Receives the tokens of every call the model answers (not replayed ones); see `withUsageReporting`. */
  recordUsage?: ((usage: TokenUsage) => void) | undefined;
  /** The environment to read model and cache settings from. @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
}

/**
 * The model an LLM participant calls for one scenario: `resolveModel()`'s, wrapped in the
 * record/replay cache when the scenario has a `cacheKey`, reporting its tokens to `recordUsage`. In replay mode no API key is needed:
 * without one, the requested OpenAI model stands in but is never reached (a missing recording is
 * a `CacheMissError` before any request).
 */
export function resolveParticipantModel(options: ParticipantModelOptions): ScenarioLanguageModel {
  const env = options.env ?? process.env;
  const mode = options.cacheKey ? resolveCacheMode(undefined, env) : "off";
  const model = resolveModel(options.model, {
    env,
    participant: options.participant,
    replayOnly: mode === "replay",
  });
  const cached =
    options.cacheKey && mode !== "off"
      ? withScenarioCache(model, { cacheKey: options.cacheKey, env })
      : model;
  return withUsageReporting(cached, options.recordUsage);
}

/**
 * `callWithRetry()` with the participant's retry options over the process-wide ones
 * (`configureScenarioLLM({ retry })`).
 */
export function callParticipantModel<T>(
  operation: Parameters<typeof callWithRetry<T>>[0],
  options: CallWithRetryOptions & { retry?: RetryOptions | undefined },
): Promise<T> {
  const { retry, ...callOptions } = options;
  return callWithRetry(operation, withoutUndefined({ ...getScenarioLLMConfig().retry }, retry, callOptions));
}

// Later sources win, but only with the values they actually set.
function withoutUndefined<T extends object>(...sources: Array<Partial<T> | undefined>): T {
  const merged: Record<string, unknown> = {};
  for (const source of sources) {
    for (const [key, value] of Object.entries(source ?? {})) if (value !== undefined) merged[key] = value;
  }
  return merged as T;
}
