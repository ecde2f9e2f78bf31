import { createOpenAI } from "@ai-sdk/openai";
import type {
  LanguageModelV2,
  LanguageModelV2CallWarning,
  LanguageModelV2FinishReason,
  LanguageModelV2StreamPart,
  LanguageModelV2Usage,
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
  ProviderV3,
  SharedV3Warning,
} from "@ai-sdk/provider";
import { ConfigurationError, ModelMissingError } from "@scenario/spec";
import type { LanguageModel } from "ai";
import { getScenarioLLMConfig } from "./llm-config";

/** The model used when none is given, configured or named in `SCENARIO_MODEL`. */
export const DEFAULT_MODEL_ID = "gpt-4.1-mini";

/** Options of `resolveModel()`. */
export interface ResolveModelOptions {
  /** The environment to read `OPENAI_API_KEY`, `OPENAI_BASE_URL` and `SCENARIO_MODEL` from. @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
  /** The participant asking, for error messages ("judgeAgent()"). */
  participant?: string | undefined;
  /**
   * For replay mode, where recordings answer every call: without `OPENAI_API_KEY`, return the
   * requested OpenAI model anyway (same provider and id, so its recordings match), whose every
   * request fails with the `ModelMissingError` it would have thrown.
   * @default false
   */
  replayOnly?: boolean | undefined;
}

/**
 * Finds the model an LLM participant uses: the one it was given, else the configured
 * `defaultModel` (see `configureScenarioLLM`), else OpenAI's `SCENARIO_MODEL` (default
 * `gpt-4.1-mini`) through `@ai-sdk/openai` with `OPENAI_API_KEY` and `OPENAI_BASE_URL`.
 * Accepts AI SDK models of the current (`v3`) and the previous (`v2`) specification and returns a
 * `v3` model. A string id is accepted as `openai/<id>`, or when a global default provider is
 * registered (`globalThis.AI_SDK_DEFAULT_PROVIDER`); other strings are rejected, because the AI
 * SDK would send them through its gateway, which needs a key of its own.
 * @throws ModelMissingError when no model is given or configured and OPENAI_API_KEY is not set
 * (unless `replayOnly`, where the model's requests throw it instead).
 */
export function resolveModel(model?: LanguageModel, options: ResolveModelOptions = {}): LanguageModelV3 {
  const env = options.env ?? process.env;
  const participant = options.participant ?? "judgeAgent()/userSimulatorAgent()";
  const context: OpenAIContext = { env, participant, replayOnly: options.replayOnly === true };
  const chosen = model ?? getScenarioLLMConfig().defaultModel;
  if (chosen === undefined) return defaultOpenAIModel(env.SCENARIO_MODEL || DEFAULT_MODEL_ID, context);
  if (typeof chosen === "string") return resolveModelId(chosen, context);
  return toLanguageModelV3(chosen);
}

interface OpenAIContext {
  env: NodeJS.ProcessEnv;
  participant: string;
  replayOnly: boolean;
}

function defaultOpenAIModel(
  modelId: string,
  { env, participant, replayOnly }: OpenAIContext,
): LanguageModelV3 {
  const apiKey = env.OPENAI_API_KEY;
  if (!apiKey) {
    const missing = new ModelMissingError(
      `No model configured for ${participant}. Pass \`model\` to ${participant} or set defaultModel in ` +
        `scenario.config.ts, or set OPENAI_API_KEY to use OpenAI's ${modelId}.`,
    );
    if (!replayOnly) throw missing;
    return createOpenAI({
      apiKey: "replay-only",
      fetch: async () => {
        throw missing;
      },
    })(modelId);
  }
  return createOpenAI({ apiKey, baseURL: env.OPENAI_BASE_URL || undefined })(modelId);
}

function resolveModelId(modelId: string, context: OpenAIContext): LanguageModelV3 {
  if (modelId.startsWith("openai/")) return defaultOpenAIModel(modelId.slice("openai/".length), context);
  const globalProvider = (globalThis as { AI_SDK_DEFAULT_PROVIDER?: ProviderV3 }).AI_SDK_DEFAULT_PROVIDER;
  if (globalProvider) return toLanguageModelV3(globalProvider.languageModel(modelId));
  throw new ConfigurationError(
    `The model "${modelId}" was given as a string, which the AI SDK resolves through its gateway (that needs ` +
      `a key of its own). Pass a model object instead, for example openai("${modelId}") from @ai-sdk/openai, ` +
      `or write "openai/${modelId}" to use OpenAI with OPENAI_API_KEY.`,
  );
}

/**
 * Returns `model` as a `v3` model: `v3` as is, `v2` behind an adapter that converts its finish
 * reasons and usage (its call options are compatible). Other versions are rejected.
 */
export function toLanguageModelV3(model: LanguageModelV3 | LanguageModelV2): LanguageModelV3 {
  if (model.specificationVersion === "v3") return model;
  if (model.specificationVersion === "v2") return adaptV2Model(model);
  const unknown = model as { specificationVersion?: unknown; provider?: unknown; modelId?: unknown };
  throw new ConfigurationError(
    `Unsupported model specification version ${JSON.stringify(unknown.specificationVersion)} ` +
      `(${String(unknown.provider)}/${String(unknown.modelId)}). Use an AI SDK model of version v3 or v2: ` +
      `upgrade the provider package (for example @ai-sdk/openai).`,
  );
}

function adaptV2Model(model: LanguageModelV2): LanguageModelV3 {
  // V2 and V3 call options differ only in fields V2 providers ignore, as the AI SDK's own adapter assumes.
  const asV2Options = (options: LanguageModelV3CallOptions) =>
    options as unknown as Parameters<LanguageModelV2["doGenerate"]>[0];
  return {
    specificationVersion: "v3",
    provider: model.provider,
    modelId: model.modelId,
    supportedUrls: model.supportedUrls,
    async doGenerate(options) {
      const result = await model.doGenerate(asV2Options(options));
      return {
        ...result,
        content: result.content as LanguageModelV3Content[],
        finishReason: convertFinishReason(result.finishReason),
        usage: convertUsage(result.usage),
        warnings: result.warnings.map(convertWarning),
      };
    },
    async doStream(options) {
      const result = await model.doStream(asV2Options(options));
      return {
        ...result,
        stream: result.stream.pipeThrough(
          new TransformStream<LanguageModelV2StreamPart, LanguageModelV3StreamPart>({
            transform(part, controller) {
              if (part.type === "stream-start") {
                controller.enqueue({ type: "stream-start", warnings: part.warnings.map(convertWarning) });
              } else if (part.type === "finish") {
                controller.enqueue({
                  ...part,
                  finishReason: convertFinishReason(part.finishReason),
                  usage: convertUsage(part.usage),
                });
              } else {
                controller.enqueue(part as LanguageModelV3StreamPart);
              }
            },
          }),
        ),
      };
    },
  };
}

function convertWarning(warning: LanguageModelV2CallWarning): SharedV3Warning {
  if (warning.type === "unsupported-setting") {
    return { type: "unsupported", feature: String(warning.setting), details: warning.details };
  }
  if (warning.type === "unsupported-tool") {
    return { type: "unsupported", feature: `tool ${warning.tool.name}`, details: warning.details };
  }
  return warning;
}

function convertFinishReason(reason: LanguageModelV2FinishReason): LanguageModelV3FinishReason {
  return { unified: reason === "unknown" ? "other" : reason, raw: reason };
}

function convertUsage(usage: LanguageModelV2Usage): LanguageModelV3Usage {
  const cached = usage.cachedInputTokens;
  return {
    inputTokens: {
      total: usage.inputTokens,
      noCache:
        usage.inputTokens !== undefined && cached !== undefined ? usage.inputTokens - cached : undefined,
      cacheRead: cached,
      cacheWrite: undefined,
    },
    outputTokens: {
      total: usage.outputTokens,
      text:
        usage.outputTokens !== undefined && usage.reasoningTokens !== undefined
          ? usage.outputTokens - usage.reasoningTokens
          : undefined,
      reasoning: usage.reasoningTokens,
    },
  };
}
