import { resolve } from "node:path";
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3Middleware,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
} from "@ai-sdk/provider";
import { CacheMissError, ConfigurationError } from "@scenario/spec";
import type { LanguageModelMiddleware } from "ai";
import { type CassetteEntry, callKey, type StoredGenerate } from "./cassette-codec";
import {
  assertSupportedModel,
  type ModelCallWrapper,
  type ScenarioLanguageModel,
  wrapModelCalls,
} from "./language-model";
import { assertCacheMode, type CacheMode, getScenarioLLMConfig } from "./llm-config";
import { type CassetteLookup, cassetteFor, cassetteStem, type ScenarioCassette } from "./scenario-cassette";

/** Where recordings go when no directory is configured, relative to the working directory. */
export const DEFAULT_CACHE_DIR = ".scenario/cache";

/** The response header a replayed call carries, so callers can tell it spent no tokens. */
export const CACHE_HIT_HEADER = "x-scenario-cache";

/** Options of `withScenarioCache()` and `scenarioCacheMiddleware()`. */
export interface ScenarioCacheOptions {
  /** Identifies the scenario's recordings (the scenario's `cacheKey`). */
  cacheKey: string;
  /**
   * How the cache treats calls; see `CacheMode`.
   * @default configureScenarioLLM's cacheMode, else SCENARIO_CACHE_MODE, else "read-write"
   */
  mode?: CacheMode | undefined;
  /**
   * The directory of the recordings.
   * @default configureScenarioLLM's cacheDir, else ".scenario/cache"
   */
  dir?: string | undefined;
  /** The environment `SCENARIO_CACHE_MODE` is read from. @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
}

/** The cache mode `SCENARIO_CACHE_MODE` asks for, or undefined when it is unset or blank. */
export function cacheModeFromEnv(env: NodeJS.ProcessEnv = process.env): CacheMode | undefined {
  const fromEnv = env.SCENARIO_CACHE_MODE?.trim();
  if (!fromEnv) return undefined;
  assertCacheMode(fromEnv, "the SCENARIO_CACHE_MODE environment variable");
  return fromEnv;
}

/**
 * The cache mode in force: the one given, else `configureScenarioLLM`'s, else the
 * `SCENARIO_CACHE_MODE` environment variable, else `read-write`.
 */
export function resolveCacheMode(mode?: CacheMode, env: NodeJS.ProcessEnv = process.env): CacheMode {
  if (mode !== undefined) {
    assertCacheMode(mode, "the cache options");
    return mode;
  }
  const configured = getScenarioLLMConfig().cacheMode;
  if (configured !== undefined) return configured;
  const fromEnv = cacheModeFromEnv(env);
  if (fromEnv) return fromEnv;
  return "read-write";
}

/**
 * Wraps a model so its calls are recorded on disk and replayed (see `scenarioCacheMiddleware`).
 * Wrap the agent under test's model with the same `cacheKey` as the scenario, and a whole
 * conversation replays without a single request.
 */
export function withScenarioCache<M extends ScenarioLanguageModel>(
  model: M,
  options: ScenarioCacheOptions,
): M {
  assertSupportedModel(model, "withScenarioCache()");
  return wrapModelCalls(model, cacheMiddleware(options) as unknown as ModelCallWrapper);
}

/**
 * An AI SDK language model middleware that records each call (generate and stream) and replays
 * it. Each scenario's calls go to one cassette, `<dir>/<cacheKey slug>-<digest>.jsonl` (one call per
 * line), read once per process and shared by every run of the scenario in it. A call is identified
 * by a sha256 of the cache key, the model's provider and id, the prompt, and the call settings
 * (temperature, tools, tool choice, response format and the like; not headers or abort signals).
 * Lines are appended whole, so concurrent writers lose nothing; an unreadable line counts as
 * missing. Recordings in the older one-file-per-call layout are still read (and, in `read-write`
 * mode, copied into the cassette). The mode and directory are read at each call, so
 * `configureScenarioLLM()` applies to models wrapped before it ran.
 */
export function scenarioCacheMiddleware(options: ScenarioCacheOptions): LanguageModelMiddleware {
  return cacheMiddleware(options) as unknown as LanguageModelMiddleware;
}

// Written against the v3 shapes; v4 calls and results are a superset of them, and a v2 model's
// results are stored and replayed as they are, so one recording format serves every version.
function cacheMiddleware(options: ScenarioCacheOptions): LanguageModelV3Middleware {
  if (typeof options.cacheKey !== "string" || options.cacheKey.trim() === "") {
    throw new ConfigurationError(
      "The scenario cache needs a non-empty `cacheKey` (the scenario's cacheKey) to tell its recordings apart.",
    );
  }
  if (options.mode !== undefined) assertCacheMode(options.mode, "the cache options");
  const cacheKey = options.cacheKey;
  const fileStem = cassetteStem(cacheKey);

  let configuredDir: string | undefined;
  let resolvedDir = "";
  // Only called when the cache is on: the key encodes the whole prompt.
  const locate = (
    kind: CassetteEntry["kind"],
    model: LanguageModelV3,
    params: LanguageModelV3CallOptions,
  ) => {
    const dir = options.dir ?? getScenarioLLMConfig().cacheDir ?? DEFAULT_CACHE_DIR;
    if (dir !== configuredDir) {
      configuredDir = dir;
      resolvedDir = resolve(dir);
    }
    return {
      cassette: cassetteFor(resolvedDir, cacheKey, fileStem),
      key: callKey(kind, cacheKey, model, params),
      modelName: `${model.provider}/${model.modelId}`,
    };
  };

  const missError = (
    kind: CassetteEntry["kind"],
    location: CallLocation,
    params: LanguageModelV3CallOptions,
    unreadable: string | undefined,
  ) =>
    new CacheMissError(
      `No recording for scenario "${cacheKey}" in replay mode: ${kind} call to ${location.modelName} with ` +
        `${summarizePrompt(params.prompt)} (call ${location.key.slice(0, 12)} in ${location.cassette.file}` +
        `${unreadable ? `, unreadable: ${unreadable}` : ""}). Record it by running once with ` +
        `SCENARIO_CACHE_MODE=read-write (or record), or check what changed in the scenario's prompts.`,
    );

  const entryOf = (
    kind: CassetteEntry["kind"],
    location: CallLocation,
    params: LanguageModelV3CallOptions,
  ): Omit<CassetteEntry, "generate" | "stream"> => ({
    version: 1,
    key: location.key,
    kind,
    cacheKey,
    model: location.modelName,
    prompt: summarizePrompt(params.prompt),
    recordedAt: new Date().toISOString(),
  });

  // A recording found only in the old layout joins the cassette, so the next run reads one file.
  const migrate = (mode: CacheMode, location: CallLocation, lookup: CassetteLookup) => {
    if (lookup.fromLegacy && lookup.found && mode === "read-write") void record(location, lookup.found);
  };

  return {
    specificationVersion: "v3",
    async wrapGenerate({ doGenerate, params, model }) {
      const mode = resolveCacheMode(options.mode, options.env);
      if (mode === "off") return doGenerate();
      const location = locate("generate", model, params);
      if (mode !== "record") {
        const lookup = await location.cassette.lookup(location.key, mode !== "replay");
        if (lookup.found?.generate) {
          migrate(mode, location, lookup);
          return replayGenerate(lookup.found.generate);
        }
        if (mode === "replay") throw missError("generate", location, params, lookup.unreadable);
      }
      const result = await doGenerate();
      await record(location, {
        ...entryOf("generate", location, params),
        generate: {
          content: result.content,
          finishReason: result.finishReason,
          usage: result.usage,
          providerMetadata: result.providerMetadata,
          warnings: result.warnings,
          response: {
            id: result.response?.id,
            timestamp: result.response?.timestamp,
            modelId: result.response?.modelId,
          },
        },
      });
      return result;
    },
    async wrapStream({ doStream, params, model }) {
      const mode = resolveCacheMode(options.mode, options.env);
      if (mode === "off") return doStream();
      const location = locate("stream", model, params);
      if (mode !== "record") {
        const lookup = await location.cassette.lookup(location.key, mode !== "replay");
        if (lookup.found?.stream) {
          migrate(mode, location, lookup);
          return replayStream(lookup.found.stream);
        }
        if (mode === "replay") throw missError("stream", location, params, lookup.unreadable);
      }
      const result = await doStream();
      const parts: LanguageModelV3StreamPart[] = [];
      let failed = false;
      const recorder = new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
        transform(part, controller) {
          if (part.type === "error") failed = true;
          else if (part.type !== "raw" && (part.type as string) !== "ping") parts.push(part);
          controller.enqueue(part);
        },
        async flush() {
          if (failed || parts.at(-1)?.type !== "finish") return;
          await record(location, { ...entryOf("stream", location, params), stream: parts });
        },
      });
      return { ...result, stream: result.stream.pipeThrough(recorder) };
    },
  };
}

interface CallLocation {
  cassette: ScenarioCassette;
  key: string;
  modelName: string;
}

// Replays hand out copies of the parts, so nothing a caller does to a result reaches the cassette
// that other runs of the scenario replay from.
function replayGenerate(stored: StoredGenerate): LanguageModelV3GenerateResult {
  return {
    content: stored.content.map((part) => ({ ...part })),
    finishReason: stored.finishReason,
    usage: stored.usage,
    providerMetadata: stored.providerMetadata,
    warnings: stored.warnings ?? [],
    response: { ...stored.response, headers: { [CACHE_HIT_HEADER]: "hit" } },
  };
}

function replayStream(parts: LanguageModelV3StreamPart[]): LanguageModelV3StreamResult {
  return {
    stream: new ReadableStream<LanguageModelV3StreamPart>({
      start(controller) {
        for (const part of parts) controller.enqueue({ ...part });
        controller.close();
      },
    }),
    response: { headers: { [CACHE_HIT_HEADER]: "hit" } },
  };
}

/** True when a generate or stream result was served from a recording (it spent no tokens). */
export function isCacheHit(result: { response?: { headers?: Record<string, string | undefined> } }): boolean {
  return result.response?.headers?.[CACHE_HIT_HEADER] === "hit";
}

/** "4 messages, last user message: “I need a refund for…”" — enough to find the call in a test. */
function summarizePrompt(prompt: LanguageModelV3Prompt): string {
  const count = `${prompt.length} message${prompt.length === 1 ? "" : "s"}`;
  const lastUser = [...prompt].reverse().find((message) => message.role === "user");
  if (lastUser?.role !== "user") return count;
  const text = lastUser.content
    .map((part) => (part.type === "text" ? part.text : `[${part.mediaType}]`))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  const short = text.length > 60 ? `${text.slice(0, 59)}…` : text;
  return `${count}, last user message: "${short}"`;
}

// A recording that cannot be written costs a later replay, not this call: the model already answered.
async function record(location: CallLocation, entry: CassetteEntry): Promise<void> {
  try {
    await location.cassette.record(entry);
  } catch (error) {
    process.emitWarning(
      `Scenario could not record a model call to ${location.cassette.file}: ${error instanceof Error ? error.message : String(error)}`,
      { code: "SCENARIO_CACHE_WRITE_FAILED" },
    );
  }
}
