import {
  ConfigurationError,
  VOICE_TRANSPORT_SPECIFICATION_VERSION,
  type VoiceCapabilities,
  type VoiceInterruptContext,
  VoiceServerError,
  VoiceStreamEndedError,
  type VoiceTransport,
  type VoiceTransportConnectContext,
  type VoiceTransportEvent,
} from "@scenario/spec";
import { pcmToBase64, silence } from "@scenario/voice";
import { WebSocket as NodeWebSocket } from "ws";
import type {
  OpenAIRealtimeAgentOptions,
  OpenAIRealtimeServerVad,
  RealtimeWebSocket,
  RealtimeWebSocketConstructor,
} from "./openai-realtime-options";
import { describeError, describeUrl, isRecord, type ServerEvent, stringField } from "./realtime-response";
import { RealtimeResponses } from "./realtime-responses";

/** The model used when none is given. */
const DEFAULT_MODEL = "gpt-realtime";

/** The WebSocket `readyState` of an open socket. */
const OPEN = 1;

/** How long to wait for a cancelled response to end before asking for the next one. */
const DEFAULT_INTERRUPT_TIMEOUT_MS = 2000;

/**
 * What the OpenAI Realtime adapter can do: PCM16 24 kHz both ways, native barge-in
 * (`response.cancel` + `conversation.item.truncate`), transcripts of the agent's speech, tool calls
 * and their results, text input, an end signal per reply (`response.done`). Server VAD is an option
 * (`turnDetection`); the README's capability table is generated from this record.
 */
export const openAIRealtimeCapabilities: VoiceCapabilities = Object.freeze({
  inputAudioFormat: Object.freeze({ encoding: "pcm16", sampleRateHz: 24_000, channels: 1 }),
  outputAudioFormat: Object.freeze({ encoding: "pcm16", sampleRateHz: 24_000, channels: 1 }),
  bargeIn: "native",
  serverVad: true,
  toolCalls: true,
  toolResults: true,
  dtmf: false,
  textInput: true,
  agentTranscripts: true,
  userTranscripts: false,
  replyEnd: true,
});

/**
 * The OpenAI Realtime API (GA events over a WebSocket) as a `VoiceTransport`. It configures PCM
 * 24 kHz audio, sends each user turn as `input_audio_buffer.append`s, then commits it and requests
 * exactly one response (manual turns, the default; server VAD is an option), reports the audio and
 * transcript deltas, cancels with `response.cancel` plus `conversation.item.truncate` at the audio
 * actually heard, runs the agent's tool calls, and reports `error` events and dropped connections.
 */
export class OpenAIRealtimeTransport implements VoiceTransport {
  /** The transport contract version. */
  readonly specificationVersion = VOICE_TRANSPORT_SPECIFICATION_VERSION;
  /** The name errors and reports use. */
  readonly name: string;
  /** PCM 24 kHz audio, native barge-in, transcripts, tool calls, text input; server VAD when configured. */
  readonly capabilities: VoiceCapabilities;
  private readonly options: OpenAIRealtimeAgentOptions;
  private emit: (event: VoiceTransportEvent) => void = () => undefined;
  private socket: RealtimeWebSocket | undefined;
  private closingByUs = false;
  private uncommittedBytes = 0;
  private responses: RealtimeResponses;
  private sessionWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined;

  constructor(options: OpenAIRealtimeAgentOptions = {}) {
    this.name = options.name ?? "OpenAIRealtimeAgent";
    if (options.turnDetection !== undefined) {
      const detection = options.turnDetection;
      const valid =
        detection === "manual" ||
        detection === "server_vad" ||
        (isRecord(detection) && detection.type === "server_vad");
      if (!valid) {
        throw new ConfigurationError(
          `turnDetection must be "manual", "server_vad" or { type: "server_vad", ... }, got ${JSON.stringify(detection)}.`,
        );
      }
    }
    for (const tool of options.tools ?? []) {
      if (typeof tool.name !== "string" || tool.name === "" || typeof tool.execute !== "function") {
        throw new ConfigurationError(
          `Each tool needs a name and an execute(input) function; got ${JSON.stringify(tool.name)}.`,
        );
      }
    }
    this.options = options;
    this.capabilities = { ...openAIRealtimeCapabilities, serverVad: this.serverVad !== undefined };
    this.responses = this.newResponses();
  }

  private get serverVad(): OpenAIRealtimeServerVad | undefined {
    const detection = this.options.turnDetection ?? "manual";
    if (detection === "manual") return undefined;
    return detection === "server_vad" ? { type: "server_vad" } : detection;
  }

  /** Opens the socket, sends `session.update` and resolves on `session.updated`. */
  async connect(context: VoiceTransportConnectContext): Promise<void> {
    this.emit = context.emit;
    const model = this.options.model ?? DEFAULT_MODEL;
    const url = this.options.url ?? `wss://api.openai.com/v1/realtime?model=${encodeURIComponent(model)}`;
    const apiKey = this.options.apiKey ?? process.env.OPENAI_API_KEY;
    if ((apiKey === undefined || apiKey === "") && this.options.url === undefined) {
      throw new ConfigurationError(
        "No OpenAI API key for the Realtime agent. Pass `apiKey` to openAIRealtimeAgent() or set OPENAI_API_KEY.",
      );
    }
    const headers: Record<string, string> = {
      ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}),
      ...this.options.headers,
    };
    const WebSocketClass: RealtimeWebSocketConstructor = this.options.WebSocket ?? NodeWebSocket;
    this.closingByUs = false;
    this.uncommittedBytes = 0;
    this.responses = this.newResponses();
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    const where = describeUrl(url);

    const socket = new WebSocketClass(url, { headers });
    this.socket = socket;
    const ready = new Promise<void>((resolve, reject) => {
      this.sessionWaiter = { resolve, reject };
    });
    let opened = false;
    socket.on("open", () => {
      opened = true;
      this.send(this.sessionUpdate(model));
    });
    socket.on("message", (data: { toString(): string }, isBinary: boolean) => {
      if (isBinary) return;
      this.handleServerFrame(data.toString());
    });
    socket.on("error", (error: Error) => {
      // Handshake failures (a 401, a refused connection) arrive here; after the open, close follows.
      if (!opened) this.failSession(new VoiceServerError(`Could not connect to ${where}: ${error.message}`));
    });
    socket.on("close", (code: number, reason: { toString(): string }) => {
      if (this.socket !== socket) return;
      const text = reason.toString();
      const detail = `code ${code}${text ? `: ${text}` : ""}`;
      this.failSession(
        new VoiceStreamEndedError(
          `The connection to ${where} closed before the session was ready (${detail}).`,
        ),
      );
      this.responses.releaseIdleWaiters();
      if (!this.closingByUs) this.emit({ type: "closed", detail });
    });

    const timer = setTimeout(() => {
      this.failSession(
        new VoiceServerError(
          `No session from ${where} within ${timeoutMs} ms. Check the URL and the server, or raise connectTimeoutMs.`,
        ),
      );
    }, timeoutMs);
    timer.unref?.();
    const onAbort = () =>
      this.failSession(new VoiceStreamEndedError("The run was cancelled while connecting."));
    context.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await ready;
    } catch (error) {
      this.closeSocket();
      throw error;
    } finally {
      clearTimeout(timer);
      context.signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Closes the socket (no `closed` event: the driver asked for it). */
  async close(): Promise<void> {
    this.closeSocket();
  }

  /** Appends one frame of the caller's audio (PCM16 24 kHz) to the input buffer. */
  async sendAudio(data: Uint8Array): Promise<void> {
    this.send({ type: "input_audio_buffer.append", audio: pcmToBase64(data) });
    this.uncommittedBytes += data.byteLength;
  }

  /** Adds a user text message to the conversation. */
  async sendText(text: string): Promise<void> {
    this.send({
      type: "conversation.item.create",
      item: { type: "message", role: "user", content: [{ type: "input_text", text }] },
    });
  }

  /**
   * Manual turns: commits the audio and asks for exactly one response. Server VAD: appends the
   * trailing silence the server's VAD needs to notice the turn ended, and lets it answer.
   */
  async endUserTurn(): Promise<void> {
    await this.responses.waitUntilIdle();
    if (this.serverVad !== undefined && this.uncommittedBytes > 0) {
      // The server decides when the turn ends and answers by itself: give its VAD the pause it needs.
      const trailingMs = this.options.vadTrailingSilenceMs ?? 800;
      this.send({ type: "input_audio_buffer.append", audio: pcmToBase64(silence(trailingMs)) });
      this.uncommittedBytes = 0;
      return;
    }
    if (this.uncommittedBytes > 0) {
      this.send({ type: "input_audio_buffer.commit" });
      this.uncommittedBytes = 0;
    }
    this.responses.request();
  }

  /** `response.cancel`, then `conversation.item.truncate` at the audio the caller heard. */
  async interrupt(context: VoiceInterruptContext): Promise<void> {
    const active = this.responses.active;
    if (active !== undefined && !active.cancelRequested) {
      active.cancelRequested = true;
      this.send(
        active.id === undefined
          ? { type: "response.cancel" }
          : { type: "response.cancel", response_id: active.id },
      );
    }
    const itemId = active?.audioItemId ?? this.responses.lastAudioItemId;
    if (itemId !== undefined && context.playedMs > 0) {
      // The server keeps only what the caller heard, so the agent's memory matches the call.
      this.send({
        type: "conversation.item.truncate",
        item_id: itemId,
        content_index: 0,
        audio_end_ms: Math.floor(context.playedMs),
      });
    }
    this.responses.lastAudioItemId = undefined;
  }

  private sessionUpdate(model: string): Record<string, unknown> {
    const vad = this.serverVad;
    const tools = (this.options.tools ?? []).map((tool) => ({
      type: "function",
      name: tool.name,
      ...(tool.description !== undefined && { description: tool.description }),
      parameters: tool.parameters ?? { type: "object", properties: {} },
    }));
    const output: Record<string, unknown> = { format: { type: "audio/pcm", rate: 24_000 } };
    if (this.options.voice !== undefined) output.voice = this.options.voice;
    return {
      type: "session.update",
      session: {
        type: "realtime",
        model,
        ...(this.options.instructions !== undefined && { instructions: this.options.instructions }),
        output_modalities: ["audio"],
        audio: {
          input: { format: { type: "audio/pcm", rate: 24_000 }, turn_detection: vad ?? null },
          output,
        },
        ...(tools.length > 0 && { tools, tool_choice: "auto" }),
      },
    };
  }

  private handleServerFrame(text: string): void {
    let event: ServerEvent;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isRecord(parsed) || typeof parsed.type !== "string") return;
      event = parsed as ServerEvent;
    } catch {
      return;
    }
    switch (event.type) {
      case "session.updated":
        this.sessionWaiter?.resolve();
        this.sessionWaiter = undefined;
        return;
      case "error":
        this.onError(event);
        return;
      case "response.created":
        this.responses.onResponseCreated(event);
        return;
      case "response.output_item.added":
        this.responses.onOutputItemAdded(event);
        return;
      case "response.output_audio.delta":
        this.responses.onAudioDelta(event);
        return;
      case "response.output_audio_transcript.delta":
        this.responses.onTranscriptDelta(event);
        return;
      case "response.output_audio_transcript.done":
        this.responses.onTranscriptDone(event);
        return;
      case "response.output_item.done":
        this.responses.onOutputItemDone(event);
        return;
      case "input_audio_buffer.speech_started":
      case "input_audio_buffer.speech_stopped":
        // The server's VAD heard the caller start or stop: goes on the call's timeline.
        this.emit({
          type: event.type === "input_audio_buffer.speech_started" ? "speech-started" : "speech-stopped",
          speaker: "user",
        });
        return;
      case "response.done":
        this.responses.onResponseDone(event).catch((error: unknown) => {
          // Only a closed socket makes this fail, and its close event reports that.
          if (this.socket?.readyState === OPEN) {
            this.reportError(new VoiceServerError(`Handling response.done failed: ${describeError(error)}`));
          }
        });
        return;
      default:
        return;
    }
  }

  private onError(event: ServerEvent): void {
    const error = isRecord(event.error) ? event.error : {};
    const code = stringField(error, "code");
    const type = stringField(error, "type") ?? "error";
    const message = stringField(error, "message") ?? "no message";
    // A cancel racing the response's natural end: the response is over either way.
    if (code === "response_cancel_not_active") return;
    const serverError = new VoiceServerError(
      `The OpenAI Realtime server reported ${type}${code ? ` (${code})` : ""}: ${message}`,
    );
    if (this.sessionWaiter !== undefined) {
      this.failSession(serverError);
      return;
    }
    const active = this.responses.active;
    if (active !== undefined) {
      active.errorReported = true;
      // A refused response.create never starts: nothing is active any more.
      if (active.id === undefined) {
        this.responses.active = undefined;
        this.responses.releaseIdleWaiters();
      }
    }
    this.reportError(serverError);
  }

  private newResponses(): RealtimeResponses {
    return new RealtimeResponses({
      send: (event) => this.send(event),
      emit: (event) => this.emit(event),
      tools: this.options.tools ?? [],
      interruptTimeoutMs: this.options.interruptTimeoutMs ?? DEFAULT_INTERRUPT_TIMEOUT_MS,
    });
  }

  private reportError(error: VoiceServerError): void {
    this.emit({ type: "error", message: error.message, cause: error });
  }

  private failSession(error: Error): void {
    const waiter = this.sessionWaiter;
    this.sessionWaiter = undefined;
    waiter?.reject(error);
  }

  private send(event: Record<string, unknown>): void {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== OPEN) {
      throw new VoiceStreamEndedError(
        `Cannot send ${String(event.type)}: the connection to the OpenAI Realtime server is not open.`,
      );
    }
    socket.send(JSON.stringify(event));
  }

  private closeSocket(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    this.closingByUs = true;
    this.responses.releaseIdleWaiters();
    try {
      socket.close(1000, "done");
    } catch {
      // Already closed.
    }
  }
}
