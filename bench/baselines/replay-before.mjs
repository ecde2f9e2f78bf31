// The replay path of @scenario/llm's cache as it was before cassettes (issue 15), kept for
// replay.bench.mjs only: one JSON file per call, found by a sha256 of a sorted copy of the call,
// read, parsed, decoded and checked on every call. Replay only (no recording), generate calls only.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const TYPE_TAG = "__scenarioType";

/**
 * An AI SDK middleware that replays `dir/<slug>-<digest>/<sha256>.json` recordings, as the cache did.
 * @param {{ cacheKey: string, dir: string }} options
 */
export function replayBeforeMiddleware({ cacheKey, dir }) {
  return {
    specificationVersion: "v3",
    async wrapGenerate({ params, model }) {
      const hash = callHash("generate", cacheKey, model, params);
      const file = join(dir, directoryName(cacheKey), `${hash}.json`);
      const entry = decode(JSON.parse(await readFile(file, "utf8")));
      if (entry?.version !== 1 || entry.kind !== "generate" || !isStoredGenerate(entry.generate)) {
        throw new Error(`unreadable recording ${file}`);
      }
      const stored = entry.generate;
      return {
        content: stored.content,
        finishReason: stored.finishReason,
        usage: stored.usage,
        providerMetadata: stored.providerMetadata,
        warnings: stored.warnings ?? [],
        response: { ...stored.response, headers: { "x-scenario-cache": "hit" } },
      };
    },
  };
}

/** The folder the one-file-per-call layout used for a scenario (the cassette's file stem). */
export function directoryName(cacheKey) {
  const slug = cacheKey
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-.]+|-+$/g, "")
    .slice(0, 60);
  const digest = createHash("sha256").update(cacheKey).digest("hex").slice(0, 8);
  return slug ? `${slug}-${digest}` : digest;
}

function callHash(kind, cacheKey, model, params) {
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
      reasoning: params.reasoning,
      tools: params.tools,
      toolChoice: params.toolChoice,
      providerOptions: params.providerOptions,
    },
  };
  return createHash("sha256")
    .update(JSON.stringify(encode(identity, true)))
    .digest("hex");
}

function encode(value, sortKeys = false) {
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
    const encoded = {};
    for (const key of keys) {
      const item = encode(value[key], sortKeys);
      if (item !== undefined) encoded[key] = item;
    }
    return encoded;
  }
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  return value;
}

function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === "object") {
    if (value[TYPE_TAG] === "bytes" && typeof value.base64 === "string") {
      return new Uint8Array(Buffer.from(value.base64, "base64"));
    }
    if (value[TYPE_TAG] === "date" && typeof value.iso === "string") return new Date(value.iso);
    if (value[TYPE_TAG] === "url" && typeof value.href === "string") return new URL(value.href);
    const decoded = {};
    for (const [key, item] of Object.entries(value)) decoded[key] = decode(item);
    return decoded;
  }
  return value;
}

function isStoredGenerate(stored) {
  return (
    typeof stored === "object" &&
    stored !== null &&
    Array.isArray(stored.content) &&
    stored.content.every(
      (part) => typeof part === "object" && part !== null && typeof part.type === "string",
    ) &&
    (typeof stored.finishReason?.unified === "string" || typeof stored.finishReason === "string") &&
    (typeof stored.usage?.inputTokens === "object" || typeof stored.usage?.inputTokens === "number") &&
    (typeof stored.usage?.outputTokens === "object" || typeof stored.usage?.outputTokens === "number")
  );
}
