import type { LanguageModelV3, LanguageModelV3StreamPart, LanguageModelV3Usage } from "@ai-sdk/provider";
import type { TokenUsage } from "@scenario/spec";
import { type LanguageModelUsage, wrapLanguageModel } from "ai";
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
    const sdk = usage as Partial<LanguageModelUsage>;
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
 * Wraps a model so that every call it answers reports its tokens through `recordUsage` (an
 * `AgentInput`'s), generate and stream alike. Reporting at the model, not from `generateText`'s
 * result, also counts calls whose result is then rejected (a tool-choice violation, a malformed
 * reply), which were paid for all the same. Calls replayed from the cache spent nothing and are
 * not reported.
 */
export function withUsageReporting(
  model: LanguageModelV3,
  recordUsage: ((usage: TokenUsage) => void) | undefined,
): LanguageModelV3 {
  if (!recordUsage) return model;
  const report = (usage: LanguageModelV3Usage | undefined) => {
    const tokens = toTokenUsage(usage);
    if (tokens.inputTokens !== undefined || tokens.outputTokens !== undefined) recordUsage(tokens);
  };
  return wrapLanguageModel({
    model,
    middleware: {
      specificationVersion: "v3",
      async wrapGenerate({ doGenerate }) {
        const result = await doGenerate();
        if (!isCacheHit(result)) report(result.usage);
        return result;
      },
      async wrapStream({ doStream }) {
        const result = await doStream();
        if (isCacheHit(result)) return result;
        const counter = new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
          transform(part, controller) {
            if (part.type === "finish") report(part.usage);
            controller.enqueue(part);
          },
        });
        return { ...result, stream: result.stream.pipeThrough(counter) };
      },
    },
  });
}
