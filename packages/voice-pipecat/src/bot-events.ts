import type { VoiceAudioFormat, VoiceTransportEvent } from "@scenario/spec";
import { type AgentTextSource, AgentTranscript } from "./agent-transcript";
import { decodePipecatFrame, type PipecatFrame } from "./pipecat-frames";

/** The label of RTVI messages. */
export const RTVI_LABEL = "rtvi-ai";

/** An RTVI message as it travels in a message frame's JSON. */
interface RtviMessage {
  label: string;
  type: string;
  id?: string;
  data?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseRtvi(text: string): RtviMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isRecord(value) && value.label === RTVI_LABEL && typeof value.type === "string"
    ? (value as unknown as RtviMessage)
    : undefined;
}

function textOf(message: RtviMessage): string | undefined {
  return isRecord(message.data) && typeof message.data.text === "string" ? message.data.text : undefined;
}

/**
 * Turns what a Pipecat bot sends (protobuf frames, RTVI messages inside message frames) into
 * transport events, and keeps what that needs: whether a reply is under way (so its end is reported
 * once, however many of InterruptionFrame, bot-interrupted and bot-stopped-speaking come), the
 * reply's words, which source of the caller's words the bot uses, the tool calls reported.
 */
export class BotEvents {
  /**
   * The bot has begun a reply (its LLM started, it spoke, audio or words came) whose end has not
   * been reported. Pipecat interrupts on every start of the caller's speech, also when the bot is
   * silent: only an interruption of a reply under way ends one.
   */
  private replyActive = false;
  private readonly transcript = new AgentTranscript();
  private userTranscriptSource: "rtvi" | "frame" | undefined;
  private readonly reportedToolCalls = new Set<string>();

  constructor(
    private readonly emit: (event: VoiceTransportEvent) => void,
    private readonly outputFormat: VoiceAudioFormat,
    private readonly onBotReady: (id: string | undefined) => void,
    private readonly reportsReplyEnds: boolean,
  ) {}

  /** Reads one WebSocket message from the bot. */
  message(data: Uint8Array | Uint8Array[] | ArrayBuffer, isBinary: boolean): void {
    if (!isBinary) {
      this.emit({
        type: "error",
        message:
          "The bot sent a text WebSocket message; PipecatAgent speaks the protobuf frame serializer. Configure the bot's transport with ProtobufFrameSerializer.",
      });
      return;
    }
    const bytes = Array.isArray(data)
      ? new Uint8Array(Buffer.concat(data))
      : data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : data;
    let frame: PipecatFrame;
    try {
      frame = decodePipecatFrame(bytes);
    } catch (error) {
      this.emit({
        type: "error",
        message: `The bot sent a malformed frame (${bytes.byteLength} bytes that are not a pipecat.Frame).`,
        cause: error,
      });
      return;
    }
    switch (frame.kind) {
      case "audio":
        this.handleAudio(frame);
        return;
      case "text":
        this.agentText("frame", frame.text);
        return;
      case "transcription":
        this.userTranscript("frame", frame.text);
        return;
      case "interruption":
        this.endReply();
        return;
      case "message": {
        const message = parseRtvi(frame.data);
        if (message !== undefined) this.handleRtvi(message);
      }
    }
  }

  private handleAudio(frame: Extract<PipecatFrame, { kind: "audio" }>): void {
    if (frame.audio.byteLength === 0) return;
    this.replyActive = true;
    const declared = this.outputFormat;
    const sampleRateHz = frame.sampleRate > 0 ? frame.sampleRate : declared.sampleRateHz;
    const channels = frame.numChannels > 0 ? frame.numChannels : 1;
    const differs = sampleRateHz !== declared.sampleRateHz || channels !== (declared.channels ?? 1);
    this.emit({
      type: "agent-audio",
      data: frame.audio,
      ...(differs && { format: { encoding: "pcm16", sampleRateHz, channels } }),
    });
  }

  private handleRtvi(message: RtviMessage): void {
    const data = isRecord(message.data) ? message.data : {};
    switch (message.type) {
      case "bot-ready":
        this.onBotReady(message.id);
        return;
      case "bot-llm-started":
      case "bot-tts-started":
        this.replyActive = true;
        return;
      case "bot-started-speaking":
        this.replyActive = true;
        this.emit({ type: "speech-started", speaker: "agent" });
        return;
      case "bot-stopped-speaking":
        this.emit({ type: "speech-stopped", speaker: "agent" });
        this.endReply();
        return;
      case "bot-interrupted":
        this.endReply();
        return;
      case "user-started-speaking":
        this.emit({ type: "speech-started", speaker: "user" });
        return;
      case "user-stopped-speaking":
        this.emit({ type: "speech-stopped", speaker: "user" });
        return;
      case "user-transcription":
        // Interim results are whole hypotheses, not deltas: only final ones are reported.
        if (data.final !== false) this.userTranscript("rtvi", textOf(message));
        return;
      case "bot-tts-text":
        this.agentText("tts", textOf(message));
        return;
      case "bot-output":
        if (data.spoken === true) this.agentText("output", textOf(message));
        return;
      case "bot-transcription":
        this.agentText("transcription", textOf(message));
        return;
      case "bot-llm-text":
        this.agentText("llm", textOf(message));
        return;
      case "llm-function-call":
      case "llm-function-call-in-progress":
        this.toolCall(data);
        return;
      case "llm-function-call-stopped":
        this.toolResult(data);
        return;
      case "error":
      case "error-response": {
        const error = typeof data.error === "string" ? data.error : JSON.stringify(message.data ?? null);
        const fatal = data.fatal === true ? " (fatal)" : "";
        this.emit({
          type: "error",
          message: `The Pipecat bot reported an error${fatal}: ${error}`,
          cause: message,
        });
        return;
      }
    }
  }

  private toolCall(data: Record<string, unknown>): void {
    const callId = typeof data.tool_call_id === "string" ? data.tool_call_id : undefined;
    if (callId === undefined || this.reportedToolCalls.has(callId)) return;
    this.reportedToolCalls.add(callId);
    this.emit({
      type: "tool-call",
      callId,
      toolName: typeof data.function_name === "string" ? data.function_name : "(unknown)",
      input: data.arguments ?? data.args ?? {},
    });
  }

  private toolResult(data: Record<string, unknown>): void {
    const callId = typeof data.tool_call_id === "string" ? data.tool_call_id : undefined;
    if (callId === undefined) return;
    const cancelled = data.cancelled === true;
    this.emit({
      type: "tool-result",
      callId,
      toolName: typeof data.function_name === "string" ? data.function_name : "(unknown)",
      output: cancelled ? { cancelled: true } : (data.result ?? null),
      ...(cancelled && { isError: true }),
    });
  }

  private agentText(source: AgentTextSource, text: string | undefined): void {
    if (text === undefined) return;
    this.replyActive = true;
    const delta = this.transcript.add(source, text);
    if (delta !== undefined && delta !== "")
      this.emit({ type: "transcript", speaker: "agent", text: delta, isFinal: false });
  }

  /** Reports the caller's words from the first kind of source the bot uses (it may send both). */
  private userTranscript(source: "rtvi" | "frame", text: string | undefined): void {
    if (text === undefined || text.trim() === "") return;
    this.userTranscriptSource ??= source;
    if (source !== this.userTranscriptSource) return;
    this.emit({ type: "transcript", speaker: "user", text: text.trim(), isFinal: true });
  }

  /**
   * A reply is asked for. A bot that reports the end of its replies (RTVI) may still be speaking
   * one (a greeting the caller did not wait for): its words stay. A bot that never reports an end
   * has its replies ended by the driver's silence tail, so the last reply's words are dropped here.
   */
  beginReply(): void {
    if (this.replyActive && this.reportsReplyEnds) return;
    this.transcript.reset();
  }

  /** The bot stopped speaking or was cut off: the reply's final words, then its end, once. */
  private endReply(): void {
    if (!this.replyActive) return;
    this.replyActive = false;
    const text = this.transcript.final();
    this.transcript.reset();
    if (text !== undefined) this.emit({ type: "transcript", speaker: "agent", text, isFinal: true });
    this.emit({ type: "reply-end" });
  }
}
