import type { TokenUsage } from "@scenario/spec";

/** The usage fields an AI SDK 6 or 7 result reports (`totalUsage`), as far as Scenario reads them. */
export interface AiSdkUsage {
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  totalTokens?: number | undefined;
  /** AI SDK 6's older field for prompt-cache reads. */
  cachedInputTokens?: number | undefined;
  /** Both majors: prompt-cache details. */
  inputTokenDetails?: { cacheReadTokens?: number | undefined } | undefined;
}

/**
 * Converts an AI SDK result's usage to Scenario's `TokenUsage`, or undefined when it counted
 * nothing (a provider that reports no usage). The total is computed when the provider leaves it out.
 */
export function toTokenUsage(usage: AiSdkUsage | undefined): TokenUsage | undefined {
  if (!usage || (usage.inputTokens === undefined && usage.outputTokens === undefined)) return undefined;
  const cachedInputTokens = usage.inputTokenDetails?.cacheReadTokens ?? usage.cachedInputTokens;
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    totalTokens: usage.totalTokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0),
    ...(cachedInputTokens === undefined ? {} : { cachedInputTokens }),
  };
}
