import { createRequire } from "node:module";
import { ConfigurationError, ModelMissingError } from "@scenario/spec";
import type { LanguageModel } from "ai";
import {
  assertCallableByInstalledAi,
  assertSupportedModel,
  type ScenarioLanguageModel,
} from "./language-model";
import { getScenarioLLMConfig } from "./llm-config";

const localRequire = createRequire(import.meta.url);

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
  /**
   * Loads `@ai-sdk/openai` for the default model (an optional peer, loaded only when needed).
   * @default require("@ai-sdk/openai") from the user's install
   */
  loadOpenAIProvider?: (() => unknown) | undefined;
}

/**
 * Finds the model an LLM participant uses: the one it was given, else the configured
 * `defaultModel` (see `configureScenarioLLM`), else OpenAI's `SCENARIO_MODEL` (default
 * `gpt-4.1-mini`) through `@ai-sdk/openai` with `OPENAI_API_KEY` and `OPENAI_BASE_URL`.
 * Accepts AI SDK models of specification `v2`, `v3` and `v4` (see `assertSupportedModel`) and returns
 * them unchanged, so the user's own `ai` makes the calls. A string id is accepted as `openai/<id>`, or when a global default provider is
 * registered (`globalThis.AI_SDK_DEFAULT_PROVIDER`); other strings are rejected, because the AI
 * SDK would send them through its gateway, which needs a key of its own.
 * @throws ModelMissingError when no model is given or configured and OPENAI_API_KEY is not set
 * (unless `replayOnly`, where the model's requests throw it instead).
 */
export function resolveModel(
  model?: LanguageModel,
  options: ResolveModelOptions = {},
): ScenarioLanguageModel {
  const env = options.env ?? process.env;
  const participant = options.participant ?? "judgeAgent()/userSimulatorAgent()";
  const context: OpenAIContext = {
    env,
    participant,
    replayOnly: options.replayOnly === true,
    load: options.loadOpenAIProvider ?? (() => localRequire("@ai-sdk/openai")),
  };
  const chosen = model ?? getScenarioLLMConfig().defaultModel;
  if (chosen === undefined) return defaultOpenAIModel(env.SCENARIO_MODEL || DEFAULT_MODEL_ID, context);
  if (typeof chosen === "string") return resolveModelId(chosen, context);
  const resolved = assertSupportedModel(chosen, participant);
  assertCallableByInstalledAi(resolved);
  return resolved;
}

interface OpenAIContext {
  env: NodeJS.ProcessEnv;
  participant: string;
  replayOnly: boolean;
  load: () => unknown;
}

function defaultOpenAIModel(modelId: string, context: OpenAIContext): ScenarioLanguageModel {
  const { env, participant, replayOnly } = context;
  const apiKey = env.OPENAI_API_KEY;
  if (!apiKey) {
    const missing = new ModelMissingError(
      `No model configured for ${participant}. Pass \`model\` to ${participant} or set defaultModel in ` +
        `scenario.config.ts, or set OPENAI_API_KEY to use OpenAI's ${modelId}.`,
    );
    if (!replayOnly) throw missing;
    return loadOpenAIProvider(context)({
      apiKey: "replay-only",
      fetch: async () => {
        throw missing;
      },
    })(modelId);
  }
  return loadOpenAIProvider(context)({ apiKey, baseURL: env.OPENAI_BASE_URL || undefined })(modelId);
}

type CreateOpenAI = (settings: {
  apiKey: string;
  baseURL?: string | undefined;
  fetch?: typeof fetch;
}) => (modelId: string) => ScenarioLanguageModel;

/**
 * `@ai-sdk/openai` is an optional peer, needed only for the default model, so it is loaded when
 * that model is asked for (the user's copy, whichever major fits their `ai`).
 */
function loadOpenAIProvider({ load, participant }: OpenAIContext): CreateOpenAI {
  try {
    return (load() as { createOpenAI: CreateOpenAI }).createOpenAI;
  } catch (error) {
    throw new ModelMissingError(
      `${participant} has no model and the default model needs @ai-sdk/openai, which is not installed. ` +
        "Run `npm install @ai-sdk/openai`, or pass `model` (any AI SDK model) to it or as defaultModel in scenario.config.ts.",
      { cause: error },
    );
  }
}

function resolveModelId(modelId: string, context: OpenAIContext): ScenarioLanguageModel {
  if (modelId.startsWith("openai/")) return defaultOpenAIModel(modelId.slice("openai/".length), context);
  const globalProvider = (globalThis as { AI_SDK_DEFAULT_PROVIDER?: { languageModel(id: string): unknown } })
    .AI_SDK_DEFAULT_PROVIDER;
  if (globalProvider) return assertSupportedModel(globalProvider.languageModel(modelId), context.participant);
  throw new ConfigurationError(
    `The model "${modelId}" was given as a string, which the AI SDK resolves through its gateway (that needs ` +
      `a key of its own). Pass a model object instead, for example openai("${modelId}") from @ai-sdk/openai, ` +
      `or write "openai/${modelId}" to use OpenAI with OPENAI_API_KEY.`,
  );
}
