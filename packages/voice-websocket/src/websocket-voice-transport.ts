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
import { WebSocket as NodeWebSocket } from "ws";
import {
  audioFormatProblem,
  DEFAULT_VOICE_PROTOCOL_FORMAT,
  parseProtocolMessage,
  SUPPORTED_VOICE_PROTOCOL_VERSIONS,
  VOICE_PROTOCOL_NAME,
  type VoiceProtocolCapabilities,
  type VoiceProtocolClientMessage,
} from "./protocol";
import {
  readSessionStarted,
  refinedCapabilities,
  requestedCapabilities,
} from "./voice-websocket-capabilities";
import type {
  VoiceWebSocket,
  VoiceWebSocketConstructor,
  WebSocketVoiceTransportOptions,
} from "./websocket-voice-options";

/** The WebSocket `readyState` of an open socket. */
const OPEN = 1;

/** The URL without its query (which may carry credentials), for error messages. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return new Uint8Array(0);
}

function toText(data: unknown): string {
  if (typeof data === "string") return data;
  return Buffer.from(toBytes(data)).toString("utf8");
}

/**
 * The client of the Scenario voice protocol as a `VoiceTransport`: opens the session (version and
 * formats), sends the caller's audio as binary frames and `input.end` per turn, stops replies with
 * `interrupt`, and reports the agent's audio, transcripts, speech, tool calls, reply ends, errors
 * and closes to the session driver.
 */
export class WebSocketVoiceTransport implements VoiceTransport {
  /** The transport contract version. */
  readonly specificationVersion = VOICE_TRANSPORT_SPECIFICATION_VERSION;
  /** A display name. */
  readonly name: string;
  private readonly options: WebSocketVoiceTransportOptions;
  private readonly requested: VoiceCapabilities;
  private current: VoiceCapabilities;
  private socket: VoiceWebSocket | undefined;
  private emit: (event: VoiceTransportEvent) => void = () => {};
  private closingByUs = false;
  private started = false;
  /** The reply the agent is speaking (`response.started` seen, `response.done` not yet). */
  private activeResponseId: string | undefined;
  /** The last reply that started, for an `interrupt` that comes after it ended. */
  private lastResponseId: string | undefined;
  /** A turn ended and its reply has not started yet (the agent is thinking). */
  private awaitingReply = false;
  /** Partial transcripts so far, per speaker: the protocol sends whole texts, the driver wants deltas. */
  private readonly partials = { agent: "", user: "" };
  /** The agent's `session.ended` reason, once it hung up. */
  private endedReason: string | undefined;
  /** What the agent declared in `session.started`. */
  private agentCapabilities: VoiceProtocolCapabilities | undefined;

  constructor(options: WebSocketVoiceTransportOptions) {
    if (typeof options?.url !== "string" || !/^wss?:\/\//.test(options.url)) {
      throw new ConfigurationError(
        `websocketVoiceAgent() needs \`url\`, the agent's ws:// or wss:// address (serveVoiceAgent() returns it), got ${JSON.stringify(options?.url)}.`,
      );
    }
    for (const [name, format] of [
      ["inputFormat", options.inputFormat],
      ["outputFormat", options.outputFormat],
    ] as const) {
      const problem = format === undefined ? undefined : audioFormatProblem(format);
      if (problem !== undefined)
        throw new ConfigurationError(`websocketVoiceAgent(): \`${name}\`: ${problem}.`);
    }
    if (
      options.turnDetection !== undefined &&
      options.turnDetection !== "client" &&
      options.turnDetection !== "server"
    ) {
      throw new ConfigurationError(
        `websocketVoiceAgent(): \`turnDetection\` must be "client" or "server", got ${JSON.stringify(options.turnDetection)}.`,
      );
    }
    this.options = options;
    this.name = options.name ?? "WebSocketVoiceAgent";
    this.requested = requestedCapabilities(options);
    this.current = this.requested;
  }

  /**
   * What this connection can do. Before `connect()`: what the options ask for, with everything the
   * protocol can carry. From `connect()` on: refined by the agent's `session.started` (its output
   * format, whether its VAD ends turns, and which of DTMF, text input, transcripts and tool calls it
   * declared).
   */
  get capabilities(): VoiceCapabilities {
    return this.current;
  }

  /** The capabilities the agent declared in `session.started`, once connected. */
  get agentDeclared(): VoiceProtocolCapabilities | undefined {
    return this.agentCapabilities;
  }

  async connect(context: VoiceTransportConnectContext): Promise<void> {
    const { url } = this.options;
    const where = describeUrl(url);
    const WebSocketClass: VoiceWebSocketConstructor =
      this.options.WebSocket ?? (NodeWebSocket as unknown as VoiceWebSocketConstructor);
    this.emit = context.emit;
    this.closingByUs = false;
    this.started = false;
    this.activeResponseId = undefined;
    this.lastResponseId = undefined;
    this.awaitingReply = false;
    this.endedReason = undefined;
    this.partials.agent = "";
    this.partials.user = "";
    this.current = this.requested;
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    const socket = new WebSocketClass(url, { headers: { ...this.options.headers } });
    this.socket = socket;

    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error === undefined) {
          resolve();
          return;
        }
        this.closingByUs = true;
        try {
          socket.close(1000, "handshake failed");
        } catch {
          // Closing a socket that never opened: nothing to do.
        }
        reject(error);
      };
      const timer = setTimeout(
        () =>
          settle(
            new VoiceServerError(`${this.name}: no 'session.started' from ${where} within ${timeoutMs} ms.`),
          ),
        timeoutMs,
      );
      socket.on("open", () => {
        this.sendMessage(this.sessionStart(context));
      });
      socket.on("message", (data: unknown, isBinary: boolean) => {
        if (this.socket !== socket) return;
        if (isBinary) {
          this.handleAudio(toBytes(data));
          return;
        }
        const problem = this.handleText(toText(data));
        if (problem !== undefined) settle(problem);
        else if (this.started) settle();
      });
      socket.on("error", (error: Error) => {
        // Handshake failures (a 401, a refused connection) arrive here; after the open, close follows.
        settle(new VoiceServerError(`${this.name} could not connect to ${where}: ${error.message}`));
      });
      socket.on("close", (code: number, reason: unknown) => {
        if (this.socket !== socket) return;
        const text = toText(reason);
        const ended =
          this.endedReason === undefined ? "" : `; the agent ended the session: ${this.endedReason}`;
        const detail = `code ${code}${text ? `: ${text}` : ""}${ended}`;
        this.socket = undefined;
        if (!settled) {
          settle(
            new VoiceStreamEndedError(
              `The connection to ${where} closed before the session started (${detail}).`,
            ),
          );
          return;
        }
        if (!this.closingByUs)
          this.emit({ type: "closed", detail: `${where} closed the connection (${detail})` });
      });
    });
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.closingByUs = true;
    this.socket = undefined;
    this.started = false;
    if (socket === undefined || socket.readyState !== OPEN) return;
    socket.send(
      JSON.stringify({
        type: "session.end",
        reason: "the scenario ended",
      } satisfies VoiceProtocolClientMessage),
    );
    socket.close(1000, "session ended");
  }

  async sendAudio(data: Uint8Array): Promise<void> {
    this.openSocket("send audio").send(data);
  }

  async endUserTurn(): Promise<void> {
    this.sendMessage({ type: "input.end" }, "end the caller's turn");
    this.awaitingReply = true;
  }

  async interrupt(context: VoiceInterruptContext): Promise<void> {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== OPEN) return;
    // Name the reply being spoken, or none for one still being prepared ("whatever is in flight"),
    // or the last one, so the agent can trim its memory to what was heard.
    const responseId = this.activeResponseId ?? (this.awaitingReply ? undefined : this.lastResponseId);
    this.sendMessage({
      type: "interrupt",
      ...(responseId !== undefined && { responseId }),
      playedMs: Math.max(0, Math.round(context.playedMs)),
    });
  }

  async sendDtmf(digits: string): Promise<void> {
    this.sendMessage({ type: "dtmf", digits }, "send DTMF");
  }

  async sendText(text: string): Promise<void> {
    this.sendMessage({ type: "input.text", text }, "send text");
  }

  private sessionStart(context: VoiceTransportConnectContext): VoiceProtocolClientMessage {
    return {
      type: "session.start",
      protocol: VOICE_PROTOCOL_NAME,
      versions: [...SUPPORTED_VOICE_PROTOCOL_VERSIONS],
      input: { ...DEFAULT_VOICE_PROTOCOL_FORMAT, ...this.options.inputFormat },
      output: { ...DEFAULT_VOICE_PROTOCOL_FORMAT, ...this.options.outputFormat },
      turnDetection: this.options.turnDetection ?? "client",
      metadata: {
        scenario: context.scenarioConfig.name,
        threadId: context.threadId,
        ...this.options.metadata,
      },
    };
  }

  private openSocket(action: string): VoiceWebSocket {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== OPEN) {
      throw new VoiceStreamEndedError(
        `${this.name} cannot ${action}: the connection to the agent is closed.`,
      );
    }
    return socket;
  }

  private sendMessage(message: VoiceProtocolClientMessage, action = "send a message"): void {
    this.openSocket(action).send(JSON.stringify(message));
  }

  private handleAudio(data: Uint8Array): void {
    if (!this.started || data.byteLength === 0) return;
    this.emit({ type: "agent-audio", data });
  }

  /** Handles one text frame; returns an error only for a failed handshake. */
  private handleText(text: string): Error | undefined {
    const parsed = parseProtocolMessage(text);
    if ("problem" in parsed) {
      const error = new VoiceServerError(
        `${this.name}: the agent sent a frame that is not a protocol message (${parsed.problem}): ${JSON.stringify(text.slice(0, 80))}.`,
      );
      if (!this.started) return error;
      this.emit({ type: "error", message: error.message, cause: error });
      return undefined;
    }
    const message = parsed.message;
    if (!this.started) return this.handleHandshake(message);
    switch (message.type) {
      case "response.started":
        if (typeof message.responseId === "string") {
          this.activeResponseId = message.responseId;
          this.lastResponseId = message.responseId;
        }
        this.awaitingReply = false;
        this.partials.agent = "";
        return undefined;
      case "response.done":
        this.activeResponseId = undefined;
        this.awaitingReply = false;
        this.partials.agent = "";
        this.emit({ type: "reply-end" });
        return undefined;
      case "transcript":
        this.handleTranscript(message);
        return undefined;
      case "speech.started":
      case "speech.stopped":
        if (message.speaker === "agent" || message.speaker === "user") {
          this.emit({
            type: message.type === "speech.started" ? "speech-started" : "speech-stopped",
            speaker: message.speaker,
          });
        }
        return undefined;
      case "tool.call":
        this.emit({
          type: "tool-call",
          callId: String(message.callId),
          toolName: String(message.name),
          input: message.arguments,
        });
        return undefined;
      case "tool.result":
        this.emit({
          type: "tool-result",
          callId: String(message.callId),
          toolName: String(message.name),
          output: message.output,
          ...(typeof message.isError === "boolean" && { isError: message.isError }),
        });
        return undefined;
      case "error":
        // A turn that failed before its reply started is over.
        if (this.activeResponseId === undefined) this.awaitingReply = false;
        this.emit({
          type: "error",
          message: `${this.name}: the agent reported ${String(message.code)}: ${String(message.message)}`,
          cause: message,
        });
        return undefined;
      default:
        // The agent hangs up: the close that follows says why. Other types come from a newer revision.
        if (message.type === "session.ended") this.endedReason = String(message.reason ?? "no reason given");
        return undefined;
    }
  }

  private handleHandshake(message: { type: string } & Record<string, unknown>): Error | undefined {
    const accepted = readSessionStarted(this.name, message, this.options.inputFormat);
    if (accepted instanceof Error) return accepted;
    this.agentCapabilities = accepted.declared;
    this.current = refinedCapabilities(this.requested, accepted);
    this.started = true;
    return undefined;
  }

  /** The protocol sends each utterance's whole text so far; the driver takes deltas, then the final. */
  private handleTranscript(message: Record<string, unknown>): void {
    const speaker = message.speaker;
    if ((speaker !== "agent" && speaker !== "user") || typeof message.text !== "string") return;
    if (message.final === true) {
      this.partials[speaker] = "";
      this.emit({ type: "transcript", speaker, text: message.text, isFinal: true });
      return;
    }
    const previous = this.partials[speaker];
    // A recogniser may revise its hypothesis; a revision is not a delta, so wait for the final.
    if (!message.text.startsWith(previous)) return;
    const delta = message.text.slice(previous.length);
    this.partials[speaker] = message.text;
    if (delta !== "") this.emit({ type: "transcript", speaker, text: delta, isFinal: false });
  }
}
