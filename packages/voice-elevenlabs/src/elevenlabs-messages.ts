import type { VoiceAudioFormat } from "@scenario/spec";
import type { ElevenLabsTransportOptions } from "./elevenlabs-options";

// The messages of ElevenLabs' conversation WebSocket (Agents Platform, "WebSocket" API reference):
// what the client sends, and reading what the server sends.

/** A client message as JSON. */
export type ClientMessage = Record<string, unknown>;

const PCM_RATES = new Set([8000, 16_000, 22_050, 24_000, 44_100, 48_000]);

/** The format an ElevenLabs format name (`pcm_16000`, `ulaw_8000`) stands for; undefined for others. */
export function audioFormatOf(name: unknown): VoiceAudioFormat | undefined {
  if (name === "ulaw_8000") return { encoding: "mulaw", sampleRateHz: 8000, channels: 1 };
  const match = typeof name === "string" ? /^pcm_(\d+)$/.exec(name) : null;
  if (match === null || !PCM_RATES.has(Number(match[1]))) return undefined;
  return { encoding: "pcm16", sampleRateHz: Number(match[1]), channels: 1 };
}

/** True when two formats are the same on the wire. */
export function sameFormat(left: VoiceAudioFormat, right: VoiceAudioFormat): boolean {
  return (
    left.encoding === right.encoding &&
    left.sampleRateHz === right.sampleRateHz &&
    (left.channels ?? 1) === (right.channels ?? 1)
  );
}

/** The first message: overrides, dynamic variables and the custom LLM's extra body, when given. */
export function initiationMessage(options: ElevenLabsTransportOptions): ClientMessage {
  return {
    type: "conversation_initiation_client_data",
    ...(options.overrides !== undefined && { conversation_config_override: options.overrides }),
    ...(options.customLlmExtraBody !== undefined && { custom_llm_extra_body: options.customLlmExtraBody }),
    ...(options.dynamicVariables !== undefined && { dynamic_variables: options.dynamicVariables }),
  };
}

/** One chunk of the caller's audio: a bare-key message, without `type`. */
export function userAudioChunkMessage(audio: Uint8Array): ClientMessage {
  return {
    user_audio_chunk: Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength).toString("base64"),
  };
}

/** What a tool returned, as `client_tool_result`: a string result, JSON for anything else. */
export function toolResultMessage(toolCallId: string, output: unknown, isError: boolean): ClientMessage {
  const result = typeof output === "string" ? output : (JSON.stringify(output ?? null) ?? "null");
  return { type: "client_tool_result", tool_call_id: toolCallId, result, is_error: isError };
}

/** What the server sent, read and checked: the events the adapter acts on. */
export type ServerMessage =
  | { type: "conversation_initiation_metadata"; conversationId?: string; input: unknown; output: unknown }
  | { type: "audio"; audio: Uint8Array; eventId: number | undefined }
  | { type: "agent_response"; text: string }
  | { type: "agent_response_correction"; corrected: string }
  | { type: "user_transcript"; text: string }
  | { type: "interruption"; eventId: number | undefined }
  | { type: "ping"; eventId: unknown }
  | { type: "client_tool_call"; toolName: string; toolCallId: string; parameters: Record<string, unknown> }
  /** Events the adapter has no use for (`vad_score`, `internal_tentative_agent_response`, …). */
  | { type: "ignored"; name: string }
  /** Anything the server must not send, with what was wrong. */
  | { type: "invalid"; problem: string };

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function stringIn(container: unknown, field: string): string | undefined {
  const value = isRecord(container) ? container[field] : undefined;
  return typeof value === "string" ? value : undefined;
}

/** Reads one text frame from the server. */
export function readServerMessage(text: string): ServerMessage {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { type: "invalid", problem: `a frame that is not JSON: ${JSON.stringify(text.slice(0, 80))}` };
  }
  if (!isRecord(message) || typeof message.type !== "string") {
    return { type: "invalid", problem: `a message without a \`type\`: ${JSON.stringify(text.slice(0, 80))}` };
  }
  switch (message.type) {
    case "conversation_initiation_metadata": {
      const event = message.conversation_initiation_metadata_event;
      const conversationId = stringIn(event, "conversation_id");
      return {
        type: message.type,
        ...(conversationId !== undefined && { conversationId }),
        input: isRecord(event) ? event.user_input_audio_format : undefined,
        output: isRecord(event) ? event.agent_output_audio_format : undefined,
      };
    }
    case "audio": {
      const event = message.audio_event;
      const payload = stringIn(event, "audio_base_64");
      // Node's decoder skips bad characters silently: check first.
      if (payload === undefined || payload.length % 4 !== 0 || !BASE64_PATTERN.test(payload)) {
        return { type: "invalid", problem: "an 'audio' event without base64 `audio_event.audio_base_64`" };
      }
      return {
        type: "audio",
        audio: new Uint8Array(Buffer.from(payload, "base64")),
        eventId: numberOrUndefined(isRecord(event) ? event.event_id : undefined),
      };
    }
    case "agent_response": {
      const text = stringIn(message.agent_response_event, "agent_response");
      if (text === undefined) return { type: "invalid", problem: "'agent_response' without its text" };
      return { type: "agent_response", text };
    }
    case "agent_response_correction": {
      const corrected = stringIn(message.agent_response_correction_event, "corrected_agent_response");
      if (corrected === undefined)
        return { type: "invalid", problem: "'agent_response_correction' without its text" };
      return { type: "agent_response_correction", corrected };
    }
    case "user_transcript": {
      const text = stringIn(message.user_transcription_event, "user_transcript");
      if (text === undefined) return { type: "invalid", problem: "'user_transcript' without its text" };
      return { type: "user_transcript", text };
    }
    case "interruption": {
      const event = message.interruption_event;
      return {
        type: "interruption",
        eventId: numberOrUndefined(isRecord(event) ? event.event_id : undefined),
      };
    }
    case "ping": {
      const event = isRecord(message.ping_event) ? message.ping_event : {};
      return { type: "ping", eventId: event.event_id };
    }
    case "client_tool_call": {
      const call = message.client_tool_call;
      const toolName = stringIn(call, "tool_name");
      const toolCallId = stringIn(call, "tool_call_id");
      if (toolName === undefined || toolCallId === undefined) {
        return { type: "invalid", problem: "'client_tool_call' without `tool_name` and `tool_call_id`" };
      }
      const parameters = isRecord(call) && isRecord(call.parameters) ? call.parameters : {};
      return { type: "client_tool_call", toolName, toolCallId, parameters };
    }
    default:
      return { type: "ignored", name: message.type };
  }
}
