import type { LanguageModelV3StreamPart, LanguageModelV3Usage } from "@ai-sdk/provider";
import type { TokenUsage } from "@scenario/spec";
import type { LanguageModelUsage } from "ai";
import { type ScenarioLanguageModel, wrapModelCalls } from "./language-model";
import { isCacheHit } from "./scenario-cache";

/**
 * Converts a model call's usage to Scenario's `TokenUsage`: the AI SDK's `result.usage`, or a
 * provider-level (`LanguageModelV3Usage`) one. The total is computed when the provider leaves it out.
 */
export function toTokenUsage(
  usage: Partial<LanguageModelUsage> | LanguageModelV3Usage | undefined,
): TokenUsage {
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  let cachedInputTokens: number | undefined;
  let totalTokens: number | undefined;
  if (usage && typeof usage.inputTokens === "object") {
    const v3 = usage as LanguageModelV3Usage;
    inputTokens = v3.inputTokens.total;
    outputTokens = v3.outputTokens.total;
    cachedInputTokens = v3.inputTokens.cacheRead;
  } else if (usage) {
    // `cachedInputTokens` is AI SDK 6's older field and a v2 provider's; AI SDK 7 has only the details.
    const sdk = usage as Partial<LanguageModelUsage> & { cachedInputTokens?: number };
    inputTokens = sdk.inputTokens;
    outputTokens = sdk.outputTokens;
    totalTokens = sdk.totalTokens;
    cachedInputTokens = sdk.inputTokenDetails?.cacheReadTokens ?? sdk.cachedInputTokens;
  }
  totalTokens ??=
    inputTokens === undefined && outputTokens === undefined
      ? undefined
      : (inputTokens ?? 0) + (outputTokens ?? 0);
  return {
    inputTokens,
    outputTokens,
    totalTokens,
    ...(cachedInputTokens === undefined ? {} : { cachedInputTokens }),
  };
}

/**
 * Wraps a model so that every call it answers reports its tokens, with the model's id and provider
 * for pricing, through `recordUsage` (an `AgentInput`'s), generate and stream alike. Reporting at the model, not from `generateText`'s
 * result, also counts calls whose result is then rejected (a tool-choice violation, a malformed
 * reply), which were paid for all the same. Calls replayed from the cache spent nothing and are
 * not reported.
 */
export function withUsageReporting<M extends ScenarioLanguageModel>(
  model: M,
  recordUsage: ((usage: TokenUsage) => void) | undefined,
): M {
  if (!recordUsage) return model;
  const report = (usage: LanguageModelV3Usage | undefined) => {
    const tokens = toTokenUsage(usage);
    // The model's id and provider let the run price the call (result.usage.costUsd).
    if (tokens.inputTokens !== undefined || tokens.outputTokens !== undefined) {
      recordUsage({ ...tokens, modelId: model.modelId, provider: model.provider });
    }
  };
  // A v2 model reports flat usage, v3 and v4 nested usage: toTokenUsage reads both.
  type StreamResult = { stream: ReadableStream<LanguageModelV3StreamPart>; response?: object };
  return wrapModelCalls(model, {
    async wrapGenerate({ doGenerate }) {
      const result = (await doGenerate()) as { usage?: LanguageModelV3Usage; response?: object };
      if (!isCacheHit(result)) report(result.usage);
      return result;
    },
    async wrapStream({ doStream }) {
      const result = (await doStream()) as StreamResult;
      if (isCacheHit(result)) return result;
      const counter = new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
        transform(part, controller) {
          if (part.type === "finish") report(part.usage);
          controller.enqueue(part);
        },
      });
      return { ...result, stream: result.stream.pipeThrough(counter) };
    },
  });
}
