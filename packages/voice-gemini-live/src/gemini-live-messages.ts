import { ConfigurationError, type TokenUsage } from "@scenario/spec";
import type { GeminiLiveAgentOptions, GeminiLiveSpeechConfig } from "./gemini-live-options";

// The Live API's messages as this adapter writes and reads them: the `setup` message, and small
// readers for the server's messages (camelCase JSON, one top-level field each, though the server
// may combine `serverContent` and `usageMetadata` in one message).

/** The endpoint of the Live API (v1beta), without the key. */
export const GEMINI_LIVE_URL =
  "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";

/** The model used when none is given. */
export const DEFAULT_GEMINI_LIVE_MODEL = "gemini-2.5-flash-native-audio-preview-12-2025";

/** The caller's audio on the wire: PCM16 16 kHz mono. */
export const INPUT_MIME_TYPE = "audio/pcm;rate=16000";

/** A server message: any of `setupComplete`, `serverContent`, `toolCall`, … */
export type ServerMessage = Record<string, unknown>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stringField(record: unknown, field: string): string | undefined {
  if (!isRecord(record)) return undefined;
  const value = record[field];
  return typeof value === "string" ? value : undefined;
}

function numberField(record: Record<string, unknown>, field: string): number | undefined {
  const value = record[field];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The model's resource name: the API wants `models/<name>`. */
export function modelResourceName(model: string): string {
  return model.startsWith("models/") ? model : `models/${model}`;
}

/** The speech config sent: the given one, with `voice` filled in as its prebuilt voice when it names none. */
function speechConfigOf(options: GeminiLiveAgentOptions): GeminiLiveSpeechConfig | undefined {
  const given = options.speechConfig;
  if (options.voice === undefined) return given;
  if (given?.voiceConfig?.prebuiltVoiceConfig?.voiceName !== undefined) return given;
  return { ...given, voiceConfig: { prebuiltVoiceConfig: { voiceName: options.voice } } };
}

/** The `realtimeInputConfig.automaticActivityDetection` of the options. */
function activityDetectionOf(options: GeminiLiveAgentOptions): Record<string, unknown> {
  const detection = options.activityDetection ?? "manual";
  if (detection === "manual") return { disabled: true };
  if (detection === "automatic") return { disabled: false };
  return { disabled: false, ...detection };
}

/** The `setup` message: model, audio replies, speech, instruction, tools, transcription, activity, resumption. */
export function setupMessage(
  options: GeminiLiveAgentOptions,
  model: string,
  resumptionHandle: string | undefined,
): Record<string, unknown> {
  const speechConfig = speechConfigOf(options);
  const functionDeclarations = (options.tools ?? []).map((tool) => ({
    name: tool.name,
    ...(tool.description !== undefined && { description: tool.description }),
    ...(tool.parameters !== undefined && { parameters: tool.parameters }),
  }));
  const setup: Record<string, unknown> = {
    model: modelResourceName(model),
    generationConfig: {
      ...options.generationConfig,
      responseModalities: ["AUDIO"],
      ...(speechConfig !== undefined && { speechConfig }),
    },
    realtimeInputConfig: { automaticActivityDetection: activityDetectionOf(options) },
  };
  if (options.systemInstruction !== undefined) {
    setup.systemInstruction = { parts: [{ text: options.systemInstruction }] };
  }
  if (functionDeclarations.length > 0) setup.tools = [{ functionDeclarations }];
  if (options.inputTranscription ?? true) setup.inputAudioTranscription = {};
  if (options.outputTranscription ?? true) setup.outputAudioTranscription = {};
  if (options.sessionResumption ?? true) {
    setup.sessionResumption = resumptionHandle === undefined ? {} : { handle: resumptionHandle };
  }
  return { setup };
}

/** The Live API's `usageMetadata` as the AI SDK names token counts. */
export function tokenUsageOf(metadata: unknown): TokenUsage | undefined {
  if (!isRecord(metadata)) return undefined;
  const inputTokens = numberField(metadata, "promptTokenCount");
  const outputTokens = numberField(metadata, "responseTokenCount");
  const totalTokens = numberField(metadata, "totalTokenCount");
  const cachedInputTokens = numberField(metadata, "cachedContentTokenCount");
  if (inputTokens === undefined && outputTokens === undefined && totalTokens === undefined) return undefined;
  return {
    inputTokens: inputTokens ?? 0,
    outputTokens: outputTokens ?? 0,
    totalTokens: totalTokens ?? (inputTokens ?? 0) + (outputTokens ?? 0),
    ...(cachedInputTokens !== undefined && { cachedInputTokens }),
  };
}

/** Adds two usages field by field. */
export function addUsage(left: TokenUsage | undefined, right: TokenUsage): TokenUsage {
  if (left === undefined) return { ...right };
  const sum = (a: number | undefined, b: number | undefined) =>
    a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
  const cachedInputTokens = sum(left.cachedInputTokens, right.cachedInputTokens);
  return {
    inputTokens: sum(left.inputTokens, right.inputTokens),
    outputTokens: sum(left.outputTokens, right.outputTokens),
    totalTokens: sum(left.totalTokens, right.totalTokens),
    ...(cachedInputTokens !== undefined && { cachedInputTokens }),
  };
}

/** The inline audio parts of a `modelTurn`, base64 PCM16 24 kHz each. */
export function inlineAudioOf(modelTurn: unknown): string[] {
  if (!isRecord(modelTurn) || !Array.isArray(modelTurn.parts)) return [];
  const audio: string[] = [];
  for (const part of modelTurn.parts) {
    const inline = isRecord(part) ? part.inlineData : undefined;
    const mimeType = stringField(inline, "mimeType") ?? "";
    const data = stringField(inline, "data");
    if (data !== undefined && mimeType.startsWith("audio/pcm")) audio.push(data);
  }
  return audio;
}

/** The API key: the option, else GEMINI_API_KEY, else GOOGLE_API_KEY; required for the real endpoint. */
export function resolveApiKey(options: GeminiLiveAgentOptions): string | undefined {
  const apiKey = options.apiKey || process.env.GEMINI_API_KEY || process.env.GOOGLE_API_KEY;
  if (!apiKey && options.url === undefined) {
    throw new ConfigurationError(
      "No Gemini API key for the Gemini Live agent. Pass `apiKey` to geminiLiveAgent() or set GEMINI_API_KEY.",
    );
  }
  return apiKey || undefined;
}

/** The endpoint with the key as its `key` query parameter, as the Live API takes it. */
export function withKey(endpoint: string, apiKey: string | undefined): string {
  if (apiKey === undefined) return endpoint;
  const url = new URL(endpoint);
  url.searchParams.set("key", apiKey);
  return url.toString();
}

/** The URL without its query (which carries the key), for error messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

/** The text with every occurrence of the key replaced, for anything that leaves the adapter. */
export function redactKey(text: string, apiKey: string | undefined): string {
  if (apiKey === undefined || apiKey === "") return text;
  return text.split(apiKey).join("[redacted]").split(encodeURIComponent(apiKey)).join("[redacted]");
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
