export {
  type CallWithRetryOptions,
  callWithRetry,
  type RetryAttempt,
  type RetryClock,
  type RetryOptions,
  retryAfterMs,
} from "./call-with-retry";
export {
  CACHE_MODES,
  type CacheMode,
  configureScenarioLLM,
  getScenarioLLMConfig,
  type ScenarioLLMConfig,
} from "./llm-config";
export { type RenderTranscriptOptions, renderMessageText, renderTranscript } from "./render-transcript";
export { DEFAULT_MODEL_ID, type ResolveModelOptions, resolveModel, toLanguageModelV3 } from "./resolve-model";
export {
  callParticipantModel,
  type ParticipantModelOptions,
  resolveParticipantModel,
} from "./resolve-participant-model";
export {
  CACHE_HIT_HEADER,
  cacheModeFromEnv,
  DEFAULT_CACHE_DIR,
  isCacheHit,
  resolveCacheMode,
  type ScenarioCacheOptions,
  scenarioCacheMiddleware,
  withScenarioCache,
} from "./scenario-cache";
export { toTokenUsage, withUsageReporting } from "./token-usage";
export { type SamplingOptions, validateSamplingOptions } from "./validate-sampling-options";
