import { createRequire } from "node:module";
import { ConfigurationError } from "@scenario/spec";
import type { LanguageModel } from "ai";

/**
 * The AI SDK language model specifications Scenario takes: `v2` (AI SDK 5's providers), `v3`
 * (AI SDK 6's) and `v4` (AI SDK 7's). Which ones a call accepts is up to the installed `ai`:
 * ai 6 takes v2 and v3, ai 7 takes all three.
 */
export const SUPPORTED_MODEL_SPECIFICATIONS = ["v2", "v3", "v4"] as const;

/** One of `SUPPORTED_MODEL_SPECIFICATIONS`. */
export type ModelSpecificationVersion = (typeof SUPPORTED_MODEL_SPECIFICATIONS)[number];

/**
 * A language model object of the user's installed `ai` (`LanguageModel` without its string form).
 * Typed from the user's own copy, so `tsc` accepts the models of whichever AI SDK major they have.
 */
export type ScenarioLanguageModel = Exclude<LanguageModel, string>;

/**
 * The part of a language model Scenario touches, the same in every specification version: calls
 * go through `doGenerate`/`doStream` with the call options of the model's own version.
 */
export interface LanguageModelObject {
  readonly specificationVersion: string;
  readonly provider: string;
  readonly modelId: string;
  readonly supportedUrls?: unknown;
  doGenerate(options: never): PromiseLike<unknown>;
  doStream(options: never): PromiseLike<unknown>;
}

const localRequire = createRequire(import.meta.url);
let installedAiMajor: number | null | undefined;

/** The major version of the `ai` package the user installed, or null when it can't be read. */
export function installedAiSdkMajor(): number | null {
  if (installedAiMajor !== undefined) return installedAiMajor;
  try {
    const { version } = localRequire("ai/package.json") as { version?: string };
    const major = Number.parseInt(String(version), 10);
    installedAiMajor = Number.isFinite(major) ? major : null;
  } catch {
    installedAiMajor = null;
  }
  return installedAiMajor;
}

/**
 * Checks that `model` is an AI SDK language model of a supported specification and returns it
 * unchanged: the user's `ai` does any conversion itself.
 * @throws ConfigurationError naming the supported versions.
 */
export function assertSupportedModel(model: unknown, participant = "this model"): ScenarioLanguageModel {
  const candidate = model as Partial<LanguageModelObject> | null | undefined;
  const version = candidate?.specificationVersion;
  const name = `${String(candidate?.provider)}/${String(candidate?.modelId)}`;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.doGenerate !== "function" ||
    typeof candidate.doStream !== "function"
  ) {
    throw new ConfigurationError(
      `${participant} was given something that is not an AI SDK language model (${describe(model)}). ` +
        `Pass a model object such as openai("gpt-4.1-mini") from @ai-sdk/openai.`,
    );
  }
  if (!SUPPORTED_MODEL_SPECIFICATIONS.includes(version as ModelSpecificationVersion)) {
    throw new ConfigurationError(
      `Unsupported model specification version ${JSON.stringify(version)} (${name}). Scenario supports AI SDK ` +
        `language models of specification ${SUPPORTED_MODEL_SPECIFICATIONS.join(", ")} (AI SDK 5, 6 and 7 providers).`,
    );
  }
  return candidate as unknown as ScenarioLanguageModel;
}

/**
 * Checks that the installed `ai` can call `model` (ai 6 calls v2 and v3 models, ai 7 also v4), so
 * a mismatch fails with the upgrade that fixes it instead of deep inside a call.
 * @throws ConfigurationError naming the upgrade.
 */
export function assertCallableByInstalledAi(model: ScenarioLanguageModel): void {
  const { specificationVersion, provider, modelId } = model as unknown as LanguageModelObject;
  const name = `${provider}/${modelId}`;
  if (specificationVersion === "v4" && (installedAiSdkMajor() ?? 7) < 7) {
    throw new ConfigurationError(
      `${name} is an AI SDK 7 model (specification v4), but the installed \`ai\` is ${installedAiSdkMajor()}.x, ` +
        "which calls v2 and v3 models only. Upgrade with `npm install ai@^7` (Node 22 or later), or use the " +
        "provider's AI SDK 6 release (for example @ai-sdk/openai@^3).",
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value !== "object") return typeof value;
  return `an object with keys ${Object.keys(value).slice(0, 6).join(", ") || "(none)"}`;
}

/** What a model wrapper may replace: the model's own calls, handed to the wrapper. */
export interface ModelCallWrapper {
  wrapGenerate?(call: {
    doGenerate: () => PromiseLike<unknown>;
    params: unknown;
    model: LanguageModelObject;
  }): PromiseLike<unknown>;
  wrapStream?(call: {
    doStream: () => PromiseLike<unknown>;
    params: unknown;
    model: LanguageModelObject;
  }): PromiseLike<unknown>;
  transformParams?(params: unknown): unknown;
}

/**
 * Wraps a model's calls while keeping its specification version, so the result is a model of the
 * same AI SDK generation as the one given and the user's `ai` converts it as it would the original.
 * (The AI SDK's `wrapLanguageModel` returns its own major's version and, in ai 6, takes v3 only.)
 */
export function wrapModelCalls<M extends ScenarioLanguageModel>(model: M, wrapper: ModelCallWrapper): M {
  const inner = model as unknown as LanguageModelObject & {
    doGenerate(options: unknown): PromiseLike<unknown>;
    doStream(options: unknown): PromiseLike<unknown>;
  };
  const params = (options: unknown) => (wrapper.transformParams ? wrapper.transformParams(options) : options);
  const wrapped = {
    specificationVersion: inner.specificationVersion,
    provider: inner.provider,
    modelId: inner.modelId,
    get supportedUrls() {
      return inner.supportedUrls;
    },
    doGenerate(options: unknown) {
      const callParams = params(options);
      const doGenerate = () => inner.doGenerate(callParams);
      return wrapper.wrapGenerate
        ? wrapper.wrapGenerate({ doGenerate, params: callParams, model: inner })
        : doGenerate();
    },
    doStream(options: unknown) {
      const callParams = params(options);
      const doStream = () => inner.doStream(callParams);
      return wrapper.wrapStream
        ? wrapper.wrapStream({ doStream, params: callParams, model: inner })
        : doStream();
    },
  };
  return wrapped as unknown as M;
}
