import {
  ConfigurationError,
  type TokenUsage,
  VOICE_TRANSPORT_SPECIFICATION_VERSION,
  type VoiceCapabilities,
  VoiceServerError,
  VoiceStreamEndedError,
  type VoiceTransport,
  type VoiceTransportConnectContext,
  type VoiceTransportEvent,
} from "@scenario/spec";
import { base64ToPcm, pcmToBase64 } from "@scenario/voice";
import { WebSocket as NodeWebSocket } from "ws";
import { geminiLiveAutomaticCapabilities, geminiLiveCapabilities } from "./gemini-live-capabilities";
import {
  addUsage,
  DEFAULT_GEMINI_LIVE_MODEL,
  describeError,
  describeUrl,
  GEMINI_LIVE_URL,
  INPUT_MIME_TYPE,
  inlineAudioOf,
  isRecord,
  redactKey,
  resolveApiKey,
  type ServerMessage,
  setupMessage,
  stringField,
  tokenUsageOf,
  withKey,
} from "./gemini-live-messages";
import type {
  GeminiLiveAgentOptions,
  GeminiLiveWebSocket,
  GeminiLiveWebSocketConstructor,
} from "./gemini-live-options";
import { GeminiLiveToolCalls } from "./gemini-live-tool-calls";

/** The WebSocket `readyState` of an open socket. */
const OPEN = 1;

/** PCM16 16 kHz mono: 32 bytes a millisecond. */
const INPUT_BYTES_PER_MS = 32;

/**
 * The reply in flight: asked for and not yet started, speaking, or cut by the caller and waiting
 * for the server's `interrupted` (audio that still arrives then belongs to the cut reply and is dropped).
 */
type ReplyPhase = "waiting" | "speaking" | "cancelling";

/** The reply in flight, and what it said so far (to keep words apart across a function call). */
interface ReplyState {
  phase: ReplyPhase;
  spoken: string;
  calledFunctions: boolean;
}

function newReply(phase: ReplyPhase): ReplyState {
  return { phase, spoken: "", calledFunctions: false };
}

/**
 * The Gemini Live API (the `BidiGenerateContent` WebSocket) as a `VoiceTransport`. It sends `setup`
 * (audio replies, speech config, system instruction, tools, transcription, activity detection,
 * session resumption) and waits for `setupComplete`; sends the caller's turns as 16 kHz
 * `realtimeInput` audio between `activityStart` and `activityEnd` (manual activity, the default) or
 * for the server's VAD; reports `modelTurn` audio, transcripts, `interrupted` and `turnComplete`;
 * runs the model's function calls; adds up `usageMetadata`; and after a `goAway` resumes the
 * session with the latest resumption handle before the next turn.
 */
export class GeminiLiveTransport implements VoiceTransport {
  /** The transport contract version. */
  readonly specificationVersion = VOICE_TRANSPORT_SPECIFICATION_VERSION;
  /** The name errors and reports use. */
  readonly name: string;
  /** 16 kHz in, 24 kHz out, transcripts, tool calls, text input; barge-in and VAD by activity detection. */
  readonly capabilities: VoiceCapabilities;
  private readonly options: GeminiLiveAgentOptions;
  private readonly manual: boolean;
  private emit: (event: VoiceTransportEvent) => void = () => undefined;
  private signal: AbortSignal | undefined;
  private socket: GeminiLiveWebSocket | undefined;
  private closingByUs = false;
  private setupWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private reply: ReplyState | undefined;
  private activityOpen = false;
  private turnAudioBytes = 0;
  private userTranscript = "";
  private usage: TokenUsage | undefined;
  private resumptionHandle: string | undefined;
  private goAwayReceived = false;
  private resumedSessions = 0;
  private tools: GeminiLiveToolCalls;

  constructor(options: GeminiLiveAgentOptions = {}) {
    this.name = options.name ?? "GeminiLiveAgent";
    const detection = options.activityDetection ?? "manual";
    if (detection !== "manual" && detection !== "automatic" && !isRecord(detection)) {
      throw new ConfigurationError(
        `activityDetection must be "manual", "automatic" or an automatic activity detection config, got ${JSON.stringify(detection)}.`,
      );
    }
    for (const tool of options.tools ?? []) {
      if (typeof tool.name !== "string" || tool.name === "" || typeof tool.execute !== "function") {
        throw new ConfigurationError(
          `Each tool needs a name and an execute(input) function; got ${JSON.stringify(tool.name)}.`,
        );
      }
    }
    this.options = options;
    this.manual = detection === "manual";
    this.capabilities = this.manual ? geminiLiveCapabilities : geminiLiveAutomaticCapabilities;
    this.tools = this.newToolCalls();
  }

  /** How many times the session was resumed on a new connection after a `goAway`. */
  get resumptions(): number {
    return this.resumedSessions;
  }

  /** The tokens reported since the last call, summed; resets the sum. */
  takeUsage(): TokenUsage | undefined {
    const usage = this.usage;
    this.usage = undefined;
    return usage;
  }

  /** Opens the socket, sends `setup` and resolves on `setupComplete`. */
  async connect(context: VoiceTransportConnectContext): Promise<void> {
    this.emit = context.emit;
    this.signal = context.signal;
    this.closingByUs = false;
    this.reply = undefined;
    this.activityOpen = false;
    this.turnAudioBytes = 0;
    this.userTranscript = "";
    this.usage = undefined;
    this.resumptionHandle = undefined;
    this.goAwayReceived = false;
    this.resumedSessions = 0;
    this.tools = this.newToolCalls();
    await this.open(undefined);
  }

  /** Closes the socket (no `closed` event: the driver asked for it). */
  async close(): Promise<void> {
    this.closingByUs = true;
    this.reply = undefined;
    this.closeSocket(this.socket);
  }

  /** Sends one frame of the caller's audio (PCM16 16 kHz), opening the caller's activity first (manual). */
  async sendAudio(data: Uint8Array): Promise<void> {
    await this.resumeIfGoneAway();
    if (this.manual && !this.activityOpen) {
      this.send({ realtimeInput: { activityStart: {} } });
      this.activityOpen = true;
    }
    this.send({ realtimeInput: { audio: { mimeType: INPUT_MIME_TYPE, data: pcmToBase64(data) } } });
    this.turnAudioBytes += data.byteLength;
  }

  /** Adds a user text turn to the conversation (`clientContent`); `endUserTurn()` completes it. */
  async sendText(text: string): Promise<void> {
    await this.resumeIfGoneAway();
    this.send({ clientContent: { turns: [{ role: "user", parts: [{ text }] }], turnComplete: false } });
  }

  /**
   * Manual activity: `activityEnd` after the caller's audio. Automatic: the trailing silence the
   * server's VAD needs to notice the turn ended. A turn without audio is completed with
   * `clientContent.turnComplete`, which asks the model to answer.
   */
  async endUserTurn(): Promise<void> {
    await this.resumeIfGoneAway();
    // With automatic detection the server may already be answering: that reply is this turn's.
    if (this.reply === undefined || this.reply.phase === "cancelling") this.reply = newReply("waiting");
    if (this.manual && this.activityOpen) {
      this.send({ realtimeInput: { activityEnd: {} } });
      this.activityOpen = false;
    } else if (!this.manual && this.turnAudioBytes > 0) {
      const trailingMs = this.options.vadTrailingSilenceMs ?? 800;
      const silence = new Uint8Array(Math.round(trailingMs * INPUT_BYTES_PER_MS));
      this.send({ realtimeInput: { audio: { mimeType: INPUT_MIME_TYPE, data: pcmToBase64(silence) } } });
    } else {
      this.send({ clientContent: { turnComplete: true } });
    }
    this.turnAudioBytes = 0;
  }

  /**
   * Stops the reply in flight: with manual activity, `activityStart` interrupts the model (the
   * server confirms with `interrupted`); with automatic detection the server stops when it hears
   * the caller. Either way the reply's audio still arriving is dropped until the server confirms.
   */
  async interrupt(): Promise<void> {
    const reply = this.reply;
    if (reply === undefined || reply.phase === "cancelling") return;
    reply.phase = "cancelling";
    if (this.manual && !this.activityOpen) {
      this.send({ realtimeInput: { activityStart: {} } });
      this.activityOpen = true;
    }
  }

  private async open(handle: string | undefined): Promise<void> {
    const options = this.options;
    const apiKey = resolveApiKey(options);
    const endpoint = options.url ?? GEMINI_LIVE_URL;
    const where = describeUrl(endpoint);
    const url = withKey(endpoint, apiKey);
    const WebSocketClass: GeminiLiveWebSocketConstructor = options.WebSocket ?? NodeWebSocket;
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const model = options.model ?? DEFAULT_GEMINI_LIVE_MODEL;
    const redact = (text: string) => redactKey(text, apiKey);

    const socket = new WebSocketClass(url, { headers: { ...options.headers } });
    this.socket = socket;
    const ready = new Promise<void>((resolve, reject) => {
      this.setupWaiter = { resolve, reject };
    });
    let opened = false;
    socket.on("open", () => {
      opened = true;
      this.send(setupMessage(options, model, handle));
    });
    socket.on("message", (data: { toString(): string }) => {
      // The Live API sends its JSON in binary frames as often as in text ones.
      if (this.socket === socket) this.handleServerMessage(data.toString());
    });
    socket.on("error", (error: Error) => {
      // Handshake failures (a 4xx, a refused connection) arrive here; after the open, close follows.
      if (!opened)
        this.failSetup(new VoiceServerError(`Could not connect to ${where}: ${redact(error.message)}`));
    });
    socket.on("close", (code: number, reason: { toString(): string }) => {
      if (this.socket !== socket) return;
      const text = redact(reason.toString());
      const detail = `code ${code}${text ? `: ${text}` : ""}`;
      // The Live API refuses a setup by closing: the reason says what was wrong.
      this.failSetup(
        new VoiceServerError(
          `${where} closed the connection before the session was set up (${detail}). Check the model name and the agent's options.`,
        ),
      );
      if (this.closingByUs) return;
      // The server said it would go away: the next turn resumes on a new connection.
      if (this.goAwayReceived && this.reply === undefined) return;
      this.emit({ type: "closed", detail });
    });

    const timer = setTimeout(() => {
      this.failSetup(
        new VoiceServerError(
          `No setupComplete from ${where} within ${timeoutMs} ms. Check the URL and the server, or raise connectTimeoutMs.`,
        ),
      );
    }, timeoutMs);
    timer.unref?.();
    const onAbort = () =>
      this.failSetup(new VoiceStreamEndedError("The run was cancelled while connecting."));
    this.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await ready;
    } catch (error) {
      this.closeSocket(socket);
      throw error;
    } finally {
      clearTimeout(timer);
      this.signal?.removeEventListener("abort", onAbort);
    }
  }

  /** After a `goAway`, between turns: a new connection resumes the session with the latest handle. */
  private async resumeIfGoneAway(): Promise<void> {
    if (!this.goAwayReceived || this.reply !== undefined || this.closingByUs) return;
    const previous = this.socket;
    this.goAwayReceived = false;
    this.activityOpen = false;
    this.socket = undefined;
    this.closeSocket(previous);
    await this.open(this.resumptionHandle);
    this.resumedSessions++;
  }

  private handleServerMessage(text: string): void {
    let message: ServerMessage;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isRecord(parsed)) return;
      message = parsed;
    } catch {
      return;
    }
    if (message.setupComplete !== undefined) {
      this.setupWaiter?.resolve();
      this.setupWaiter = undefined;
    }
    // Usage first: it may ride on the message whose turnComplete ends the reply.
    const usage = tokenUsageOf(message.usageMetadata);
    if (usage !== undefined) this.usage = addUsage(this.usage, usage);
    const resumption = message.sessionResumptionUpdate;
    if (isRecord(resumption) && resumption.resumable !== false) {
      this.resumptionHandle = stringField(resumption, "newHandle") ?? this.resumptionHandle;
    }
    if (isRecord(message.goAway)) this.goAwayReceived = true;
    if (isRecord(message.toolCall)) {
      this.reply ??= newReply("speaking");
      this.reply.calledFunctions = true;
      this.tools.onToolCall(message.toolCall).catch((error: unknown) => {
        // Only a closed socket makes this fail, and its close event reports that.
        if (this.socket?.readyState === OPEN) {
          this.reportError(
            new VoiceServerError(`Answering the model's function calls failed: ${describeError(error)}`),
          );
        }
      });
    }
    if (isRecord(message.toolCallCancellation)) this.tools.onCancellation(message.toolCallCancellation);
    if (isRecord(message.serverContent)) this.onServerContent(message.serverContent);
  }

  private onServerContent(content: Record<string, unknown>): void {
    const cancelling = this.reply?.phase === "cancelling";
    const heard = stringField(content.inputTranscription, "text");
    if (heard !== undefined) this.userTranscript += heard;
    const audio = inlineAudioOf(content.modelTurn);
    const spoken = stringField(content.outputTranscription, "text");
    if (!cancelling && (audio.length > 0 || spoken !== undefined)) {
      this.flushUserTranscript();
      // Audio without a request: the server's VAD ended the caller's turn by itself.
      const reply = this.reply ?? newReply("speaking");
      this.reply = reply;
      reply.phase = "speaking";
      for (const data of audio) this.emit({ type: "agent-audio", data: base64ToPcm(data) });
      if (spoken !== undefined) this.emitAgentWords(reply, spoken);
    }
    if (content.interrupted === true || content.turnComplete === true) {
      this.flushUserTranscript();
      if (this.reply !== undefined) {
        this.reply = undefined;
        this.emit({ type: "reply-end" });
      }
    }
  }

  /**
   * The agent's words, streamed. After a function call the model speaks again from a fresh
   * transcription: a space keeps the two sentences apart.
   */
  private emitAgentWords(reply: ReplyState, text: string): void {
    let delta = text;
    if (reply.calledFunctions && /\S$/.test(reply.spoken) && /^\S/.test(delta)) delta = ` ${delta}`;
    reply.calledFunctions = false;
    reply.spoken += delta;
    this.emit({ type: "transcript", speaker: "agent", text: delta, isFinal: false });
  }

  /** What the server recognised of the caller, once their turn is over. */
  private flushUserTranscript(): void {
    const text = this.userTranscript.trim();
    this.userTranscript = "";
    if (text !== "") this.emit({ type: "transcript", speaker: "user", text, isFinal: true });
  }

  private newToolCalls(): GeminiLiveToolCalls {
    return new GeminiLiveToolCalls(
      this.options.tools ?? [],
      (event) => this.emit(event),
      (message) => this.send(message),
    );
  }

  private reportError(error: VoiceServerError): void {
    this.emit({ type: "error", message: error.message, cause: error });
  }

  private failSetup(error: Error): void {
    const waiter = this.setupWaiter;
    this.setupWaiter = undefined;
    waiter?.reject(error);
  }

  private send(message: Record<string, unknown>): void {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== OPEN) {
      throw new VoiceStreamEndedError(
        `Cannot send ${Object.keys(message)[0] ?? "a message"}: the connection to the Gemini Live server is not open.`,
      );
    }
    socket.send(JSON.stringify(message));
  }

  private closeSocket(socket: GeminiLiveWebSocket | undefined): void {
    if (socket === undefined) return;
    try {
      socket.close(1000, "done");
    } catch {
      // Already closed.
    }
  }
}
