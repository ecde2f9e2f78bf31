import { hash } from "node:crypto";
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
} from "@ai-sdk/provider";
import { canonicalJson, TYPE_TAG } from "./canonical-json";

/** What a recorded generate call keeps of the model's result. */
export type StoredGenerate = Pick<
  LanguageModelV3GenerateResult,
  "content" | "finishReason" | "usage" | "providerMetadata" | "warnings"
> & { response?: { id?: string; timestamp?: Date; modelId?: string } };

/** One recorded model call: a line of a scenario's cassette (and, before cassettes, one file). */
export interface CassetteEntry {
  /** The format of the entry. */
  version: 1;
  /** The call's key (see `callKey`). */
  key: string;
  /** Whether the call was a generate or a stream call. */
  kind: "generate" | "stream";
  /** The scenario's cacheKey. */
  cacheKey: string;
  /** `provider/modelId` of the model called, for people reading the file. */
  model: string;
  /** A short summary of the prompt, for people reading the file. */
  prompt: string;
  /** When the call was recorded (ISO 8601). */
  recordedAt: string;
  /** The result of a generate call. */
  generate?: StoredGenerate;
  /** The parts of a stream call, `finish` last. */
  stream?: LanguageModelV3StreamPart[];
}

/**
 * The key of a call: a sha256 of the cache key, the model's provider and id, the prompt and the
 * call settings (not headers or abort signals), as canonical JSON (sorted keys, bytes as base64).
 * It is the same hash the one-file-per-call layout used as a file name, so old recordings are
 * found by it, and a weaker hash would find no recording made before. The JSON is written by
 * `canonicalJson` (no replacer calls) and hashed in one shot.
 */
export function callKey(
  kind: CassetteEntry["kind"],
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
      // v4 only; left out of the key when unset, so older recordings still match.
      reasoning: (params as { reasoning?: unknown }).reasoning,
      tools: params.tools,
      toolChoice: params.toolChoice,
      providerOptions: params.providerOptions,
    },
  };
  return hash("sha256", canonicalJson(identity), "hex");
}

/**
 * JSON cannot hold bytes, dates or URLs, which prompts and results may contain; they are tagged
 * so they come back as they were (see `decodeRecorded`).
 */
export function encodeRecorded(value: unknown): unknown {
  if (value instanceof Uint8Array)
    return { [TYPE_TAG]: "bytes", base64: Buffer.from(value).toString("base64") };
  if (value instanceof ArrayBuffer) {
    return { [TYPE_TAG]: "bytes", base64: Buffer.from(new Uint8Array(value)).toString("base64") };
  }
  if (value instanceof Date) return { [TYPE_TAG]: "date", iso: value.toISOString() };
  if (value instanceof URL) return { [TYPE_TAG]: "url", href: value.href };
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : encodeRecorded(item)));
  if (value !== null && typeof value === "object") {
    if (value instanceof AbortSignal) return undefined;
    const encoded: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = encodeRecorded((value as Record<string, unknown>)[key]);
      if (item !== undefined) encoded[key] = item;
    }
    return encoded;
  }
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  return value;
}

/**
 * Undoes `encodeRecorded`'s tags in place, replacing only the tagged values: give it freshly
 * parsed JSON, which nothing else holds (copying every object of a cassette cost more than the rest
 * of its loading).
 */
export function decodeRecorded(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) value[index] = decodeRecorded(value[index]);
    return value;
  }
  const record = value as Record<string, unknown>;
  const tag = record[TYPE_TAG];
  if (tag === "bytes" && typeof record.base64 === "string")
    return new Uint8Array(Buffer.from(record.base64, "base64"));
  if (tag === "date" && typeof record.iso === "string") return new Date(record.iso);
  if (tag === "url" && typeof record.href === "string") return new URL(record.href);
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (item !== null && typeof item === "object") record[key] = decodeRecorded(item);
  }
  return record;
}

/**
 * Checks a parsed cassette line (or old per-call file) once, when it is loaded, and decodes it.
 * Gives the entry, or the reason it cannot be replayed (with its key when that much is legible).
 */
export function readCassetteEntry(
  parsed: unknown,
  cacheKey: string,
): { entry: CassetteEntry } | { key?: string; reason: string } {
  const raw = parsed as Partial<CassetteEntry> | null;
  if (typeof raw !== "object" || raw === null || typeof raw.key !== "string")
    return { reason: "unknown format" };
  const key = raw.key;
  if (raw.version !== 1 || (raw.kind !== "generate" && raw.kind !== "stream")) {
    return { key, reason: "unknown format" };
  }
  if (raw.cacheKey !== cacheKey)
    return { key, reason: `recorded for cacheKey ${JSON.stringify(raw.cacheKey)}` };
  const entry = decodeRecorded(raw) as CassetteEntry;
  if (entry.kind === "generate" && !isStoredGenerate(entry.generate))
    return { key, reason: "incomplete result" };
  if (entry.kind === "stream" && !isStoredStream(entry.stream)) return { key, reason: "incomplete stream" };
  return { entry };
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
