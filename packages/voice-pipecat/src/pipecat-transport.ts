import {
  ConfigurationError,
  VOICE_TRANSPORT_SPECIFICATION_VERSION,
  type VoiceCapabilities,
  VoiceServerError,
  VoiceStreamEndedError,
  type VoiceTransport,
  type VoiceTransportConnectContext,
} from "@scenario/spec";
import { WebSocket as NodeWebSocket } from "ws";
import { BotEvents, RTVI_LABEL } from "./bot-events";
import { encodePipecatFrame, type PipecatFrame } from "./pipecat-frames";
import {
  INPUT_FRAME_MS,
  type PipecatTransportOptions,
  type PipecatWebSocket,
  type PipecatWebSocketConstructor,
  pipecatCapabilities,
} from "./pipecat-options";

/** The WebSocket `readyState` of an open socket. */
const OPEN = 1;
/** The RTVI protocol version the adapter's `client-ready` announces. */
const RTVI_PROTOCOL_VERSION = "1.0.0";
const CLOSE_WAIT_MS = 1000;

/** The URL without credentials or query, for messages. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "the Pipecat bot";
  }
}

function checkSampleRate(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1000 && value <= 192_000)) {
    throw new ConfigurationError(
      `${name} must be a whole number of Hz between 1000 and 192000, got ${value}.`,
    );
  }
}

/**
 * The client side of Pipecat's WebSocket transport with its protobuf frame serializer: the caller's
 * audio goes out as AudioRawFrames; the bot's AudioRawFrames, TextFrames, TranscriptionFrames,
 * InterruptionFrames and RTVI messages come back as transport events.
 */
class PipecatTransport implements VoiceTransport {
  readonly specificationVersion = VOICE_TRANSPORT_SPECIFICATION_VERSION;
  readonly name = "PipecatAgent";
  readonly capabilities: VoiceCapabilities;
  private readonly options: PipecatTransportOptions;
  private readonly rtvi: boolean;
  private readonly inputSampleRate: number;
  private socket: PipecatWebSocket | undefined;
  private events: BotEvents | undefined;
  private closingByUs = false;
  private readyWaiter: { id: string; resolve: () => void } | undefined;
  private requestCount = 0;
  /** Caller audio went out since the last end of turn. */
  private audioSinceTurn = false;

  constructor(options: PipecatTransportOptions) {
    if (typeof options?.url !== "string" || options.url === "") {
      throw new ConfigurationError(
        "pipecatAgent() needs the bot's WebSocket `url`, such as ws://localhost:8765/ws.",
      );
    }
    checkSampleRate("inputSampleRate", options.inputSampleRate);
    checkSampleRate("outputSampleRate", options.outputSampleRate);
    const silence = options.endOfTurnSilenceMs;
    if (silence !== undefined && !(Number.isFinite(silence) && silence >= 0)) {
      throw new ConfigurationError(
        `endOfTurnSilenceMs must be a number of milliseconds >= 0, got ${silence}.`,
      );
    }
    this.options = options;
    this.rtvi = options.rtvi ?? true;
    this.inputSampleRate = options.inputSampleRate ?? 16_000;
    const capabilities: VoiceCapabilities = {
      ...pipecatCapabilities,
      inputAudioFormat: { encoding: "pcm16", sampleRateHz: this.inputSampleRate, channels: 1 },
      outputAudioFormat: { encoding: "pcm16", sampleRateHz: options.outputSampleRate ?? 24_000, channels: 1 },
      // Without RTVI there is no way to send text, learn of tool calls or hear a reply end.
      toolCalls: this.rtvi,
      toolResults: this.rtvi,
      textInput: this.rtvi,
      replyEnd: this.rtvi,
    };
    this.capabilities = Object.freeze(capabilities);
  }

  async connect(context: VoiceTransportConnectContext): Promise<void> {
    const emit = context.emit;
    const onBotReady = (id: string | undefined) => {
      if (this.readyWaiter !== undefined && (id === undefined || id === this.readyWaiter.id)) {
        this.readyWaiter.resolve();
      }
    };
    const events = new BotEvents(emit, this.capabilities.outputAudioFormat, onBotReady, this.rtvi);
    this.events = events;
    this.closingByUs = false;
    this.audioSinceTurn = false;
    const url = this.options.url;
    const where = describeUrl(url);
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    const WebSocketClass: PipecatWebSocketConstructor = this.options.WebSocket ?? NodeWebSocket;

    let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const fail = (error: Error) => {
      settle?.reject(error);
      settle = undefined;
    };
    const succeed = () => {
      settle?.resolve();
      settle = undefined;
    };

    const socket = new WebSocketClass(url, { headers: { ...this.options.headers } });
    this.socket = socket;
    let opened = false;
    socket.on("open", () => {
      opened = true;
      if (!this.rtvi) return succeed();
      const id = `client-ready-${++this.requestCount}`;
      this.readyWaiter = { id, resolve: succeed };
      this.sendRtvi(
        "client-ready",
        {
          version: RTVI_PROTOCOL_VERSION,
          about: { library: "@scenario/voice-pipecat" },
        },
        id,
      );
    });
    socket.on("message", (data: Uint8Array | Uint8Array[] | ArrayBuffer, isBinary: boolean) => {
      if (this.socket !== socket) return;
      events.message(data, isBinary);
    });
    socket.on("error", (error: Error) => {
      // Handshake failures (a 401, a refused connection) arrive here; after the open, close follows.
      if (!opened)
        fail(new VoiceServerError(`Could not connect to the Pipecat bot at ${where}: ${error.message}`));
    });
    socket.on("close", (code: number, reason: { toString(): string }) => {
      if (this.socket !== socket) return;
      const text = reason?.toString() ?? "";
      const detail = `code ${code}${text ? `: ${text}` : ""}`;
      fail(
        new VoiceStreamEndedError(
          `The Pipecat bot at ${where} closed the connection before it was ready (${detail}).`,
        ),
      );
      this.socket = undefined;
      if (!this.closingByUs) emit({ type: "closed", detail });
    });

    const timer = setTimeout(() => {
      fail(
        new VoiceServerError(
          this.rtvi && opened
            ? `The Pipecat bot at ${where} did not answer RTVI client-ready with bot-ready within ${timeoutMs} ms. For a bot without an RTVI processor pass \`rtvi: false\`, or raise connectTimeoutMs.`
            : `Could not connect to the Pipecat bot at ${where} within ${timeoutMs} ms. Check the URL and that the bot runs, or raise connectTimeoutMs.`,
        ),
      );
    }, timeoutMs);
    timer.unref?.();
    const onAbort = () =>
      fail(new VoiceStreamEndedError("The run was cancelled while connecting to the Pipecat bot."));
    context.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await ready;
    } catch (error) {
      await this.close();
      throw error;
    } finally {
      clearTimeout(timer);
      this.readyWaiter = undefined;
      context.signal?.removeEventListener("abort", onAbort);
    }
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.closingByUs = true;
    this.socket = undefined;
    if (socket === undefined) return;
    const closed = new Promise<void>((resolve) => {
      socket.on("close", () => resolve());
      const timer = setTimeout(resolve, CLOSE_WAIT_MS);
      timer.unref?.();
    });
    try {
      socket.close(1000, "call ended");
    } catch {
      // Closing a socket that never opened throws in some implementations; it is gone either way.
      return;
    }
    await closed;
  }

  async sendAudio(data: Uint8Array): Promise<void> {
    if (data.byteLength === 0) return;
    this.audioSinceTurn = true;
    this.send({ kind: "audio", audio: data, sampleRate: this.inputSampleRate, numChannels: 1 });
  }

  async endUserTurn(): Promise<void> {
    this.events?.beginReply();
    if (!this.audioSinceTurn) return;
    this.audioSinceTurn = false;
    // The bot's VAD ends a turn after `stop_secs` of audio-time silence: send it now rather than
    // streaming it in real time, so the bot starts thinking as soon as the caller stops.
    const frameBytes = Math.round((INPUT_FRAME_MS * this.inputSampleRate) / 1000) * 2;
    const frames = Math.ceil((this.options.endOfTurnSilenceMs ?? 800) / INPUT_FRAME_MS);
    const silence = new Uint8Array(frameBytes);
    for (let index = 0; index < frames; index++) {
      this.send({ kind: "audio", audio: silence, sampleRate: this.inputSampleRate, numChannels: 1 });
    }
  }

  async interrupt(): Promise<void> {
    // Pipecat has no message to cancel a spoken reply: the bot's own VAD stops it when it hears the
    // caller, whose audio the driver keeps sending. Its InterruptionFrame / RTVI events end the reply.
  }

  async sendText(text: string): Promise<void> {
    if (!this.rtvi) {
      throw new ConfigurationError(
        "PipecatAgent sends text turns as RTVI send-text; this agent was made with `rtvi: false`.",
      );
    }
    this.events?.beginReply();
    this.sendRtvi(
      "send-text",
      { content: text, options: { run_immediately: true, audio_response: true } },
      `send-text-${++this.requestCount}`,
    );
  }

  private sendRtvi(type: string, data: unknown, id: string): void {
    this.send({ kind: "message", data: JSON.stringify({ label: RTVI_LABEL, type, id, data }) });
  }

  private send(frame: PipecatFrame): void {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== OPEN) {
      throw new VoiceStreamEndedError("The connection to the Pipecat bot is closed; the call cannot go on.");
    }
    socket.send(encodePipecatFrame(frame));
  }
}

/**
 * A `VoiceTransport` for a Pipecat bot over its WebSocket transport and protobuf frame serializer.
 * `pipecatAgent()` wraps it in the session driver; use this to drive it yourself.
 */
export function pipecatTransport(options: PipecatTransportOptions): VoiceTransport {
  return new PipecatTransport(options);
}
