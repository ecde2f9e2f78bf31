import "./register-ai-types";

export { aiTelemetrySettings } from "./ai-telemetry-settings";
export {
  type CallWithRetryOptions,
  callWithRetry,
  DEFAULT_RETRY_OPTIONS,
  isTransientModelError,
  type RetryAttempt,
  type RetryClock,
  type RetryOptions,
  retryAfterMs,
} from "./call-with-retry";
export {
  assertCallableByInstalledAi,
  assertSupportedModel,
  installedAiSdkMajor,
  type LanguageModelObject,
  type ModelCallWrapper,
  type ModelSpecificationVersion,
  type ScenarioLanguageModel,
  SUPPORTED_MODEL_SPECIFICATIONS,
  wrapModelCalls,
} from "./language-model";
export {
  CACHE_MODES,
  type CacheMode,
  configureScenarioLLM,
  getScenarioLLMConfig,
  type ScenarioLLMConfig,
} from "./llm-config";
export {
  assertModelPrices,
  type LoadUsagePricerOptions,
  loadUsagePricer,
  type ModelPrice,
  type ModelPrices,
} from "./load-usage-pricer";
export { type RenderTranscriptOptions, renderMessageText, renderTranscript } from "./render-transcript";
export { DEFAULT_MODEL_ID, type ResolveModelOptions, resolveModel } from "./resolve-model";
export {
  callParticipantModel,
  type ParticipantModelOptions,
  resolveParticipantModel,
} from "./resolve-participant-model";
export { type GenerateTextMessages, responseMessagesOf } from "./response-messages";
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
