import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
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
import {
  assertSupportedModel,
  type ModelCallWrapper,
  type ScenarioLanguageModel,
  wrapModelCalls,
} from "./language-model";
import { assertCacheMode, type CacheMode, getScenarioLLMConfig } from "./llm-config";

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

type StoredGenerate = Pick<
  LanguageModelV3GenerateResult,
  "content" | "finishReason" | "usage" | "providerMetadata" | "warnings"
> & { response?: { id?: string; timestamp?: Date; modelId?: string } };

interface CacheEntry {
  version: 1;
  kind: "generate" | "stream";
  cacheKey: string;
  model: string;
  prompt: string;
  recordedAt: string;
  generate?: StoredGenerate;
  stream?: LanguageModelV3StreamPart[];
}

/**
 * An AI SDK language model middleware that records each call (generate and stream) under the
 * cache directory and replays it. A call is identified by a sha256 of the cache key, the model's
 * provider and id, the prompt, and the call settings (temperature, tools, tool choice, response
 * format and the like; not headers or abort signals). Writes are atomic; an unreadable recording
 * counts as missing. The mode and directory are read at each call, so `configureScenarioLLM()`
 * applies to models wrapped before it ran.
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

  // Only called when the cache is on: hashing encodes the whole prompt.
  const locate = (kind: CacheEntry["kind"], model: LanguageModelV3, params: LanguageModelV3CallOptions) => {
    const dir = resolve(options.dir ?? getScenarioLLMConfig().cacheDir ?? DEFAULT_CACHE_DIR);
    const hash = callHash(kind, cacheKey, model, params);
    const file = join(dir, directoryName(cacheKey), `${hash}.json`);
    const modelName = `${model.provider}/${model.modelId}`;
    return { file, hash, modelName };
  };

  const missError = (
    kind: CacheEntry["kind"],
    location: { file: string; hash: string; modelName: string },
    params: LanguageModelV3CallOptions,
    unreadable: string | undefined,
  ) =>
    new CacheMissError(
      `No recording for scenario "${cacheKey}" in replay mode: ${kind} call to ${location.modelName} with ` +
        `${summarizePrompt(params.prompt)} (recording ${location.hash.slice(0, 12)}` +
        `${unreadable ? `, unreadable: ${unreadable}` : ""}). Record it by running once with ` +
        `SCENARIO_CACHE_MODE=read-write (or record), or check what changed in the scenario's prompts.`,
    );

  return {
    specificationVersion: "v3",
    async wrapGenerate({ doGenerate, params, model }) {
      const mode = resolveCacheMode(options.mode, options.env);
      if (mode === "off") return doGenerate();
      const location = locate("generate", model, params);
      if (mode !== "record") {
        const entry = await readEntry(location.file, "generate");
        if (entry.found?.generate) return replayGenerate(entry.found.generate);
        if (mode === "replay") throw missError("generate", location, params, entry.unreadable);
      }
      const result = await doGenerate();
      const stored: StoredGenerate = {
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
      };
      await writeEntry(location.file, {
        version: 1,
        kind: "generate",
        cacheKey,
        model: location.modelName,
        prompt: summarizePrompt(params.prompt),
        recordedAt: new Date().toISOString(),
        generate: stored,
      });
      return result;
    },
    async wrapStream({ doStream, params, model }) {
      const mode = resolveCacheMode(options.mode, options.env);
      if (mode === "off") return doStream();
      const location = locate("stream", model, params);
      if (mode !== "record") {
        const entry = await readEntry(location.file, "stream");
        if (entry.found?.stream) return replayStream(entry.found.stream);
        if (mode === "replay") throw missError("stream", location, params, entry.unreadable);
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
          await writeEntry(location.file, {
            version: 1,
            kind: "stream",
            cacheKey,
            model: location.modelName,
            prompt: summarizePrompt(params.prompt),
            recordedAt: new Date().toISOString(),
            stream: parts,
          });
        },
      });
      return { ...result, stream: result.stream.pipeThrough(recorder) };
    },
  };
}

function replayGenerate(stored: StoredGenerate): LanguageModelV3GenerateResult {
  return {
    content: stored.content,
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
        for (const part of parts) controller.enqueue(part);
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

function callHash(
  kind: CacheEntry["kind"],
  cacheKey: string,
  model: LanguageModelV3,
  params: LanguageModelV3CallOptions,
): string {
  const identity = {
    version: 1,
    kind,
    cacheKey,
    provider: model.provider,
    modelId: model.modelId,
    prompt: params.prompt,
    settings: {
      maxOutputTokens: params.maxOutputTokens,
      temperature: params.temperature,
      stopSequences: params.stopSequences,
      topP: params.topP,
      topK: params.topK,
      presencePenalty: params.presencePenalty,
      frequencyPenalty: params.frequencyPenalty,
      responseFormat: params.responseFormat,
      seed: params.seed,
      // v4 only; left out of the hash when unset, so older recordings still match.
      reasoning: (params as { reasoning?: unknown }).reasoning,
      tools: params.tools,
      toolChoice: params.toolChoice,
      providerOptions: params.providerOptions,
    },
  };
  return createHash("sha256")
    .update(JSON.stringify(encode(identity, true)))
    .digest("hex");
}

function directoryName(cacheKey: string): string {
  const slug = cacheKey
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-.]+|-+$/g, "")
    .slice(0, 60);
  const digest = createHash("sha256").update(cacheKey).digest("hex").slice(0, 8);
  return slug ? `${slug}-${digest}` : digest;
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

const TYPE_TAG = "__scenarioType";

// JSON cannot hold bytes, dates or URLs, which prompts and results may contain; they are tagged so
// they come back as they were. With `sortKeys`, the same value always gives the same text.
function encode(value: unknown, sortKeys = false): unknown {
  if (value instanceof Uint8Array)
    return { [TYPE_TAG]: "bytes", base64: Buffer.from(value).toString("base64") };
  if (value instanceof ArrayBuffer) {
    return { [TYPE_TAG]: "bytes", base64: Buffer.from(new Uint8Array(value)).toString("base64") };
  }
  if (value instanceof Date) return { [TYPE_TAG]: "date", iso: value.toISOString() };
  if (value instanceof URL) return { [TYPE_TAG]: "url", href: value.href };
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : encode(item, sortKeys)));
  if (value !== null && typeof value === "object") {
    if (value instanceof AbortSignal) return undefined;
    const keys = Object.keys(value);
    if (sortKeys) keys.sort();
    const encoded: Record<string, unknown> = {};
    for (const key of keys) {
      const item = encode((value as Record<string, unknown>)[key], sortKeys);
      if (item !== undefined) encoded[key] = item;
    }
    return encoded;
  }
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  return value;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[TYPE_TAG] === "bytes" && typeof record.base64 === "string") {
      return new Uint8Array(Buffer.from(record.base64, "base64"));
    }
    if (record[TYPE_TAG] === "date" && typeof record.iso === "string") return new Date(record.iso);
    if (record[TYPE_TAG] === "url" && typeof record.href === "string") return new URL(record.href);
    const decoded: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(record)) decoded[key] = decode(item);
    return decoded;
  }
  return value;
}

async function readEntry(
  file: string,
  kind: CacheEntry["kind"],
): Promise<{ found?: CacheEntry; unreadable?: string }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return {};
  }
  try {
    const entry = decode(JSON.parse(text)) as CacheEntry;
    if (entry?.version !== 1 || entry.kind !== kind) return { unreadable: "unknown format" };
    if (kind === "generate" && !isStoredGenerate(entry.generate)) return { unreadable: "incomplete result" };
    if (kind === "stream" && !isStoredStream(entry.stream)) return { unreadable: "incomplete stream" };
    return { found: entry };
  } catch (error) {
    return { unreadable: error instanceof Error ? error.message : "invalid JSON" };
  }
}

function isStoredGenerate(value: unknown): value is StoredGenerate {
  const stored = value as StoredGenerate | undefined;
  return (
    typeof stored === "object" &&
    stored !== null &&
    Array.isArray(stored.content) &&
    stored.content.every(
      (part) => typeof part === "object" && part !== null && typeof part.type === "string",
    ) &&
    // v3 and v4 results give { unified, raw }; a v2 model's give a plain string.
    (typeof stored.finishReason?.unified === "string" || typeof stored.finishReason === "string") &&
    (typeof stored.usage?.inputTokens === "object" || typeof stored.usage?.inputTokens === "number") &&
    (typeof stored.usage?.outputTokens === "object" || typeof stored.usage?.outputTokens === "number")
  );
}

function isStoredStream(value: unknown): value is LanguageModelV3StreamPart[] {
  return (
    Array.isArray(value) &&
    value.every((part) => typeof part === "object" && part !== null && typeof part.type === "string") &&
    value.at(-1)?.type === "finish"
  );
}

// A recording that cannot be written costs a later replay, not this call: the model already answered.
async function writeEntry(file: string, entry: CacheEntry): Promise<void> {
  try {
    await writeEntryAtomically(file, entry);
  } catch (error) {
    process.emitWarning(
      `Scenario could not record a model call to ${file}: ${error instanceof Error ? error.message : String(error)}`,
      { code: "SCENARIO_CACHE_WRITE_FAILED" },
    );
  }
}

async function writeEntryAtomically(file: string, entry: CacheEntry): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // Rename is atomic on one file system: readers see the old recording or the new one, never half.
  const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(encode(entry), null, 2)}\n`, "utf8");
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
