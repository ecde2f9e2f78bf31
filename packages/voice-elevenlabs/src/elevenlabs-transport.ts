import {
  VOICE_TRANSPORT_SPECIFICATION_VERSION,
  type VoiceAudioFormat,
  VoiceServerError,
  VoiceStreamEndedError,
  type VoiceTransport,
  type VoiceTransportConnectContext,
} from "@scenario/spec";
import { fromWireAudio, toWireAudio } from "@scenario/voice";
import { WebSocket as NodeWebSocket } from "ws";
import { runClientTool } from "./client-tools";
import { elevenLabsCapabilities } from "./elevenlabs-capabilities";
import {
  audioFormatOf,
  type ClientMessage,
  initiationMessage,
  readServerMessage,
  type ServerMessage,
  sameFormat,
  toolResultMessage,
  userAudioChunkMessage,
} from "./elevenlabs-messages";
import type {
  ElevenLabsTransportOptions,
  ElevenLabsWebSocket,
  ElevenLabsWebSocketConstructor,
} from "./elevenlabs-options";

const OPEN = 1;
const DEFAULT_URL = "wss://api.elevenlabs.io/v1/convai/conversation";
const FRAME_MS = elevenLabsCapabilities.inputFrameMs ?? 20;
const CAPABILITY_INPUT = elevenLabsCapabilities.inputAudioFormat;
const CAPABILITY_OUTPUT = elevenLabsCapabilities.outputAudioFormat;
/** PCM16 16 kHz bytes per millisecond: the format the driver hands `sendAudio()`. */
const INPUT_BYTES_PER_MS = 32;
const SILENT_FRAME = new Uint8Array(FRAME_MS * INPUT_BYTES_PER_MS);
/** The caller counts as quiet once no frame of theirs went out for this long. */
const QUIET_AFTER_MS = 2 * FRAME_MS;
const CLOSE_WAIT_MS = 1000;

/** Where the socket goes, for errors: never the query, which may hold a signature. */
function describeEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "the conversation endpoint";
  }
}

function describeClose(code: number, reason: Buffer | string): string {
  const text = reason.toString();
  return text === "" ? `code ${code}` : `code ${code}: ${text}`;
}

/** One conversation with an ElevenLabs agent over its WebSocket, with this transport as the caller's side. */
export class ElevenLabsTransport implements VoiceTransport {
  /** The transport contract version. */
  readonly specificationVersion = VOICE_TRANSPORT_SPECIFICATION_VERSION;
  /** The name errors and reports use. */
  readonly name = "ElevenLabsAgent";
  /** PCM16 16 kHz paced audio, the agent's turn taking and interruptions, transcripts, client tools. */
  readonly capabilities = elevenLabsCapabilities;
  private socket: ElevenLabsWebSocket | undefined;
  private emit: VoiceTransportConnectContext["emit"] = () => {};
  /** The formats the conversation announced in its metadata. */
  private inputFormat: VoiceAudioFormat = CAPABILITY_INPUT;
  private outputFormat: VoiceAudioFormat = CAPABILITY_OUTPUT;
  private metadataWaiter:
    | ((message: ServerMessage & { type: "conversation_initiation_metadata" }) => void)
    | undefined;
  /** The latest `interruption`'s event id: audio events below it belong to a cut reply. */
  private interruptedBelow = Number.NEGATIVE_INFINITY;
  /** What the agent said since the caller's last turn, one `agent_response` each, corrected. */
  private agentResponses: string[] = [];
  private lineStartedAtMs = 0;
  /** Milliseconds of caller audio (speech and silence) sent. */
  private audioSentMs = 0;
  private lastCallerFrameAtMs = Number.NEGATIVE_INFINITY;
  /** Between the caller's first frame of a turn and `endUserTurn()`: their audio owns the line. */
  private callerTurnOpen = false;
  private silenceTimer: ReturnType<typeof setInterval> | undefined;
  private closeRequested = false;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: ElevenLabsTransportOptions) {}

  /** Opens the socket, sends `conversation_initiation_client_data` and resolves on the metadata. */
  async connect(context: VoiceTransportConnectContext): Promise<void> {
    this.reset();
    this.emit = context.emit;
    const { url, headers } = this.endpoint();
    const WebSocketClass: ElevenLabsWebSocketConstructor =
      this.options.WebSocket ?? (NodeWebSocket as unknown as ElevenLabsWebSocketConstructor);
    const socket = new WebSocketClass(url, { headers });
    this.socket = socket;
    await this.whenStarted(socket, describeEndpoint(url), context.signal);
    this.lineStartedAtMs = performance.now();
    if (this.options.fillSilence ?? true) {
      this.silenceTimer = setInterval(() => this.fillSilence(), FRAME_MS);
      this.silenceTimer.unref?.();
    }
  }

  /** Sends one frame of the caller's audio as a `user_audio_chunk`, in the announced input format. */
  async sendAudio(data: Uint8Array): Promise<void> {
    this.requireOpen("send audio");
    this.callerTurnOpen = true;
    this.lastCallerFrameAtMs = performance.now();
    this.sendChunk(data);
  }

  /** The agent's turn taking ends the turn: the silence that follows the speech tells it. */
  async endUserTurn(): Promise<void> {
    this.callerTurnOpen = false;
    this.agentResponses = [];
  }

  /** Sends a user turn as text (`user_message`). */
  async sendText(text: string): Promise<void> {
    this.requireOpen("send text");
    this.agentResponses = [];
    this.send({ type: "user_message", text });
  }

  /** ElevenLabs has no message that stops the agent: it hears the caller and sends `interruption`. */
  async interrupt(): Promise<void> {}

  /** Closes the socket (no `closed` event: the driver asked for it). */
  async close(): Promise<void> {
    const socket = this.socket;
    if (socket === undefined) return;
    this.closeRequested = true;
    this.stopTimers();
    this.closed ??= new Promise<void>((resolve) => {
      if (socket.readyState !== OPEN) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        socket.terminate?.();
        resolve();
      }, CLOSE_WAIT_MS);
      timer.unref?.();
      socket.on("close", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.close(1000, "conversation ended");
    });
    await this.closed;
  }

  // --- Connecting ---

  private endpoint(): { url: string; headers: Record<string, string> } {
    const headers = { ...this.options.headers };
    if (this.options.signedUrl !== undefined) return { url: this.options.signedUrl, headers };
    const base = this.options.url ?? DEFAULT_URL;
    const url = `${base}${base.includes("?") ? "&" : "?"}agent_id=${encodeURIComponent(this.options.agentId ?? "")}`;
    const apiKey = this.options.apiKey ?? process.env.ELEVENLABS_API_KEY;
    if (apiKey !== undefined && apiKey !== "") headers["xi-api-key"] = apiKey;
    return { url, headers };
  }

  private whenStarted(
    socket: ElevenLabsWebSocket,
    where: string,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.metadataWaiter = undefined;
        if (error === undefined) {
          resolve();
          return;
        }
        this.stopTimers();
        socket.terminate?.();
        reject(error);
      };
      const onAbort = (): void =>
        finish(
          new VoiceStreamEndedError("ElevenLabsAgent: the run was cancelled while connecting.", {
            cause: signal?.reason,
          }),
        );
      const timer = setTimeout(
        () =>
          finish(
            new VoiceServerError(
              `ElevenLabsAgent: no conversation_initiation_metadata from ${where} within ${timeoutMs} ms. Check \`agentId\` or \`signedUrl\`, or raise \`connectTimeoutMs\`.`,
            ),
          ),
        timeoutMs,
      );
      timer.unref?.();
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      this.metadataWaiter = (metadata) => {
        const input = audioFormatOf(metadata.input);
        const output = audioFormatOf(metadata.output);
        if (input === undefined || output === undefined) {
          finish(
            new VoiceServerError(
              `ElevenLabsAgent: the conversation announced audio formats ${JSON.stringify(metadata.input)} (input) and ${JSON.stringify(metadata.output)} (output); the adapter speaks pcm_<rate> and ulaw_8000. Change the agent's audio settings in ElevenLabs.`,
            ),
          );
          return;
        }
        this.inputFormat = input;
        this.outputFormat = output;
        finish();
      };
      socket.on("message", (data: Buffer | string, isBinary: boolean) => this.onFrame(data, isBinary));
      socket.on("error", (error: Error) => {
        finish(
          new VoiceServerError(
            `ElevenLabsAgent could not connect to ${where}: ${error.message}. Check the network and \`url\`.`,
            { cause: error },
          ),
        );
      });
      socket.on("close", (code: number, reason: Buffer | string) => {
        if (!settled) {
          finish(
            new VoiceServerError(
              `ElevenLabsAgent: ${where} closed the connection before the conversation started (${describeClose(code, reason)}). ` +
                "Check `agentId` and the API key (ELEVENLABS_API_KEY or `apiKey`), or pass a fresh `signedUrl`.",
            ),
          );
          return;
        }
        this.onClose(code, reason);
      });
      socket.on("open", () => {
        if (!settled) this.send(initiationMessage(this.options));
      });
    });
  }

  // --- The caller's side ---

  private sendChunk(data: Uint8Array): void {
    const wire = sameFormat(this.inputFormat, CAPABILITY_INPUT)
      ? data
      : toWireAudio(fromWireAudio(data, CAPABILITY_INPUT), this.inputFormat);
    this.send(userAudioChunkMessage(wire));
    this.audioSentMs += data.byteLength / INPUT_BYTES_PER_MS;
  }

  /**
   * Keeps the microphone streaming while the caller is quiet, up to the wall clock. It stays off
   * during the caller's turn: a late frame there is the driver's delay, not a pause to hear.
   */
  private fillSilence(): void {
    if (this.socket?.readyState !== OPEN || this.callerTurnOpen) return;
    const now = performance.now();
    if (now - this.lastCallerFrameAtMs < QUIET_AFTER_MS) return;
    const elapsedMs = now - this.lineStartedAtMs;
    while (this.audioSentMs + FRAME_MS <= elapsedMs) this.sendChunk(SILENT_FRAME);
  }

  // --- The agent's side ---

  private onFrame(data: Buffer | string, isBinary: boolean): void {
    if (isBinary) {
      this.emit({
        type: "error",
        message: "ElevenLabsAgent: the server sent a binary frame; its messages are JSON text.",
      });
      return;
    }
    const message = readServerMessage(data.toString());
    switch (message.type) {
      case "conversation_initiation_metadata":
        this.metadataWaiter?.(message);
        return;
      case "audio":
        // Audio of a reply the caller interrupted may still arrive: the caller never hears it.
        if (message.eventId !== undefined && message.eventId < this.interruptedBelow) return;
        this.emit({
          type: "agent-audio",
          data: message.audio,
          ...(!sameFormat(this.outputFormat, CAPABILITY_OUTPUT) && { format: this.outputFormat }),
        });
        return;
      case "agent_response":
        this.agentResponses.push(message.text);
        this.emitAgentTranscript();
        return;
      case "agent_response_correction":
        // What the caller heard of a cut response replaces what the agent meant to say.
        if (this.agentResponses.length === 0) return;
        this.agentResponses[this.agentResponses.length - 1] = message.corrected;
        this.emitAgentTranscript();
        return;
      case "user_transcript":
        this.agentResponses = [];
        this.emit({ type: "transcript", speaker: "user", text: message.text, isFinal: true });
        return;
      case "interruption":
        if (message.eventId !== undefined)
          this.interruptedBelow = Math.max(this.interruptedBelow, message.eventId);
        this.emit({ type: "reply-end" });
        return;
      case "ping":
        this.send({ type: "pong", event_id: message.eventId });
        return;
      case "client_tool_call":
        void this.onClientToolCall(message);
        return;
      case "ignored":
        return;
      case "invalid":
        this.emit({ type: "error", message: `ElevenLabsAgent: the server sent ${message.problem}.` });
        return;
    }
  }

  private emitAgentTranscript(): void {
    const text = this.agentResponses.filter((part) => part !== "").join(" ");
    this.emit({ type: "transcript", speaker: "agent", text, isFinal: true });
  }

  private async onClientToolCall(call: ServerMessage & { type: "client_tool_call" }): Promise<void> {
    const { toolName, toolCallId, parameters } = call;
    this.emit({ type: "tool-call", callId: toolCallId, toolName, input: parameters });
    const { output, isError } = await runClientTool(this.options.clientTools ?? {}, toolName, parameters);
    if (this.socket?.readyState !== OPEN || this.closeRequested) return;
    this.send(toolResultMessage(toolCallId, output, isError));
    this.emit({ type: "tool-result", callId: toolCallId, toolName, output, ...(isError && { isError }) });
  }

  private onClose(code: number, reason: Buffer | string): void {
    this.stopTimers();
    if (this.closeRequested) return;
    this.emit({ type: "closed", detail: describeClose(code, reason) });
  }

  // --- Plumbing ---

  private send(message: ClientMessage): void {
    if (this.socket?.readyState !== OPEN) return;
    this.socket.send(JSON.stringify(message));
  }

  private requireOpen(what: string): void {
    if (this.socket?.readyState !== OPEN) {
      throw new VoiceStreamEndedError(
        `ElevenLabsAgent cannot ${what}: the conversation's WebSocket is not open.`,
      );
    }
  }

  private stopTimers(): void {
    if (this.silenceTimer !== undefined) clearInterval(this.silenceTimer);
    this.silenceTimer = undefined;
  }

  private reset(): void {
    this.stopTimers();
    this.inputFormat = CAPABILITY_INPUT;
    this.outputFormat = CAPABILITY_OUTPUT;
    this.interruptedBelow = Number.NEGATIVE_INFINITY;
    this.agentResponses = [];
    this.audioSentMs = 0;
    this.lastCallerFrameAtMs = Number.NEGATIVE_INFINITY;
    this.callerTurnOpen = false;
    this.closeRequested = false;
    this.closed = undefined;
  }
}
