import type {
  AssistantModelMessage,
  AudioChunk,
  FilePart,
  ModelMessage,
  UserModelMessage,
} from "@scenario/spec";
import { base64ToPcm, pcmToBase64 } from "./pcm";
import { pcmToWav, wavToPcm } from "./wav";

/** The media type of the audio part of a voice message. */
export const VOICE_MESSAGE_MEDIA_TYPE = "audio/wav";

/** The `providerOptions` key under which a voice message keeps Scenario's own metadata. */
const VOICE_METADATA_KEY = "scenarioVoice";

/** Options of `voiceMessage()`. */
export interface VoiceMessageOptions {
  /**
   * How the audio was spoken ("hurried", "angry"), when a voice style was set; kept in the
   * message so reports and recordings can show it.
   */
  voiceStyle?: string;
}

/**
 * Builds a voice turn for the conversation: a text part with the transcript (what the judge, the
 * text user simulator and reports read) and a file part with the audio as a base64 WAV (24 kHz
 * mono PCM16), which voice adapters send to the agent.
 *
 * @param role "user" for the user side, "assistant" for the agent's side.
 * @param audio The audio, as an `AudioChunk` or raw 24 kHz PCM16 bytes.
 * @param transcript The words spoken. @default the chunk's `transcript`, else ""
 */
export function voiceMessage(
  role: "user",
  audio: AudioChunk | Uint8Array,
  transcript?: string,
  options?: VoiceMessageOptions,
): UserModelMessage;
export function voiceMessage(
  role: "assistant",
  audio: AudioChunk | Uint8Array,
  transcript?: string,
  options?: VoiceMessageOptions,
): AssistantModelMessage;
export function voiceMessage(
  role: "user" | "assistant",
  audio: AudioChunk | Uint8Array,
  transcript?: string,
  options?: VoiceMessageOptions,
): UserModelMessage | AssistantModelMessage;
export function voiceMessage(
  role: "user" | "assistant",
  audio: AudioChunk | Uint8Array,
  transcript?: string,
  options: VoiceMessageOptions = {},
): UserModelMessage | AssistantModelMessage {
  const chunk: AudioChunk = audio instanceof Uint8Array ? { data: audio } : audio;
  const text = transcript ?? chunk.transcript ?? "";
  const filePart: FilePart = {
    type: "file",
    mediaType: VOICE_MESSAGE_MEDIA_TYPE,
    data: pcmToBase64(pcmToWav(chunk.data)),
  };
  const content: [{ type: "text"; text: string }, FilePart] = [{ type: "text", text }, filePart];
  const providerOptions =
    options.voiceStyle === undefined
      ? undefined
      : { [VOICE_METADATA_KEY]: { voiceStyle: options.voiceStyle } };
  return role === "user"
    ? { role: "user", content, ...(providerOptions && { providerOptions }) }
    : { role: "assistant", content, ...(providerOptions && { providerOptions }) };
}

function isAudioFilePart(part: unknown): part is FilePart {
  const candidate = part as Partial<FilePart> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    candidate.type === "file" &&
    typeof candidate.mediaType === "string" &&
    /^audio\/(wav|wave|x-wav|vnd\.wave)$/i.test(candidate.mediaType)
  );
}

// `unknown`: AI SDK 7's file parts may also hold a tagged file-data object or a provider reference.
function dataToBytes(data: unknown): Uint8Array | undefined {
  if (typeof data === "string") {
    const dataUrl = /^data:[^,]*;base64,(.*)$/s.exec(data);
    return base64ToPcm(dataUrl ? (dataUrl[1] ?? "") : data);
  }
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  // A remote URL: fetching is not this function's business (and tests run offline).
  return undefined;
}

/**
 * The audio of a voice message, decoded from its WAV file part into a 24 kHz PCM16 `AudioChunk`
 * (with the transcript attached), or undefined when the message carries no inline WAV audio.
 */
export function audioFromMessage(message: ModelMessage): AudioChunk | undefined {
  if (typeof message.content === "string") return undefined;
  for (const part of message.content as unknown[]) {
    if (!isAudioFilePart(part)) continue;
    const bytes = dataToBytes(part.data);
    if (!bytes) continue;
    const transcript = transcriptOf(message);
    return transcript === "" ? { data: wavToPcm(bytes) } : { data: wavToPcm(bytes), transcript };
  }
  return undefined;
}

/**
 * The words of a message: its string content, or its text parts joined with a space. For a voice
 * message, that is the transcript. "" when the message has no text.
 */
export function transcriptOf(message: ModelMessage): string {
  if (typeof message.content === "string") return message.content;
  const texts: string[] = [];
  for (const part of message.content as Array<{ type: string; text?: unknown }>) {
    if (part.type === "text" && typeof part.text === "string" && part.text !== "") texts.push(part.text);
  }
  return texts.join(" ");
}

/** True when the message carries inline WAV audio (a voice turn). */
export function isVoiceMessage(message: ModelMessage): boolean {
  return typeof message.content !== "string" && (message.content as unknown[]).some(isAudioFilePart);
}

/** The voice style a voice message was spoken in, when `voiceMessage()` recorded one. */
export function voiceStyleOf(message: ModelMessage): string | undefined {
  const metadata = message.providerOptions?.[VOICE_METADATA_KEY];
  return typeof metadata?.voiceStyle === "string" ? metadata.voiceStyle : undefined;
}

/**
 * The message without its inline audio parts, for readers that take text only (a text LLM such
 * as the judge or a text user simulator). A voice message keeps its transcript; other messages
 * are returned as they are.
 */
export function stripAudio(message: ModelMessage): ModelMessage {
  if (!isVoiceMessage(message) || typeof message.content === "string") return message;
  if (message.role !== "user" && message.role !== "assistant") return message;
  const parts = (message.content as unknown[]).filter((part) => !isAudioFilePart(part));
  return { ...message, content: parts.length === 0 ? transcriptOf(message) : parts } as ModelMessage;
}
