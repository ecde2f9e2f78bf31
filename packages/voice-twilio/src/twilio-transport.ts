import {
  ConfigurationError,
  VOICE_TRANSPORT_SPECIFICATION_VERSION,
  VoiceServerError,
  VoiceStreamEndedError,
  type VoiceTransport,
  type VoiceTransportConnectContext,
} from "@scenario/spec";
import { WebSocket as NodeWebSocket } from "ws";
import type { TwilioTransportOptions, TwilioWebSocket, TwilioWebSocketConstructor } from "./twilio-agent";
import { twilioCapabilities } from "./twilio-capabilities";
import {
  connectedMessage,
  dtmfMessage,
  type MediaStreamMessage,
  markMessage,
  mediaMessage,
  newSid,
  readBotMessage,
  startMessage,
  stopMessage,
  type TwilioCallIds,
} from "./twilio-messages";

const OPEN = 1;
/** μ-law bytes per millisecond at 8 kHz. */
const BYTES_PER_MS = 8;
const FRAME_MS = 20;
/** One 20 ms frame of μ-law silence (0xff is +0). */
const SILENT_FRAME = new Uint8Array(FRAME_MS * BYTES_PER_MS).fill(0xff);
/** The caller counts as quiet once no frame of theirs went out for this long. */
const QUIET_AFTER_MS = 2 * FRAME_MS;
const DTMF_PATTERN = /^[0-9*#]+$/;
const CLOSE_WAIT_MS = 1000;

interface PendingMark {
  name: string;
  timer?: ReturnType<typeof setTimeout>;
}

/** One call over a bot's Media Streams WebSocket, with this transport as Twilio's side. */
export class TwilioTransport implements VoiceTransport {
  readonly specificationVersion = VOICE_TRANSPORT_SPECIFICATION_VERSION;
  readonly name = "TwilioAgent";
  readonly capabilities = twilioCapabilities;
  private socket: TwilioWebSocket | undefined;
  private emit: VoiceTransportConnectContext["emit"] = () => {};
  private ids: TwilioCallIds = { streamSid: "", callSid: "", accountSid: "" };
  private sequenceNumber = 0;
  private chunk = 0;
  /** Wall time the stream started (`start` sent). */
  private lineStartedAtMs = 0;
  /** Milliseconds of caller audio (speech and silence) sent: the next frame's timestamp. */
  private audioSentMs = 0;
  private lastCallerFrameAtMs = Number.NEGATIVE_INFINITY;
  /** Between the caller's first frame of a turn and `endUserTurn()`: their audio owns the line. */
  private callerTurnOpen = false;
  private silenceTimer: ReturnType<typeof setInterval> | undefined;
  /** When the bot's audio received so far will have played, as Twilio plays it in real time. */
  private playbackEndsAtMs = 0;
  /** The bot's marks waiting for their audio to play, in order (a bot may reuse a name). */
  private pendingMarks: PendingMark[] = [];
  private closeRequested = false;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: TwilioTransportOptions) {}

  async connect(context: VoiceTransportConnectContext): Promise<void> {
    this.reset();
    this.emit = context.emit;
    this.ids = {
      streamSid: this.options.streamSid ?? newSid("MZ"),
      callSid: this.options.callSid ?? newSid("CA"),
      accountSid: this.options.accountSid ?? newSid("AC"),
    };
    const WebSocketClass: TwilioWebSocketConstructor =
      this.options.WebSocket ?? (NodeWebSocket as unknown as TwilioWebSocketConstructor);
    const url = this.options.url;
    const socket = new WebSocketClass(url, { headers: { ...this.options.headers } });
    this.socket = socket;
    await this.whenOpen(socket, url, context.signal);
    socket.on("message", (data: Buffer | string, isBinary: boolean) => this.onFrame(data, isBinary));
    this.send(connectedMessage());
    this.lineStartedAtMs = performance.now();
    this.send(startMessage(this.ids, ++this.sequenceNumber, { ...this.options.customParameters }));
    if (this.options.fillSilence ?? true) {
      this.silenceTimer = setInterval(() => this.fillSilence(), FRAME_MS);
      this.silenceTimer.unref?.();
    }
  }

  async sendAudio(data: Uint8Array): Promise<void> {
    this.requireOpen("send audio");
    this.callerTurnOpen = true;
    this.lastCallerFrameAtMs = performance.now();
    // Twilio's frames are always 20 ms: a short last frame is filled up with silence.
    for (let offset = 0; offset < data.byteLength; offset += SILENT_FRAME.byteLength) {
      const piece = data.subarray(offset, offset + SILENT_FRAME.byteLength);
      if (piece.byteLength === SILENT_FRAME.byteLength) {
        this.sendFrame(piece);
      } else {
        const frame = SILENT_FRAME.slice();
        frame.set(piece);
        this.sendFrame(frame);
      }
    }
  }

  /** The bot's VAD ends the turn: the silence that follows the speech on the line tells it. */
  async endUserTurn(): Promise<void> {
    this.callerTurnOpen = false;
  }

  /** Twilio cannot stop a bot: the bot hears the caller and stops itself with `clear`. */
  async interrupt(): Promise<void> {}

  async sendDtmf(digits: string): Promise<void> {
    this.requireOpen("send DTMF");
    if (!DTMF_PATTERN.test(digits)) {
      throw new ConfigurationError(
        `TwilioAgent cannot press ${JSON.stringify(digits)}: DTMF digits are 0-9, * and #.`,
      );
    }
    // One `dtmf` event per key, as Twilio reports each key it detects on the caller's track.
    for (const digit of digits) this.send(dtmfMessage(this.ids.streamSid, ++this.sequenceNumber, digit));
  }

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
      this.send(stopMessage(this.ids, ++this.sequenceNumber));
      socket.close(1000, "call ended");
    });
    await this.closed;
  }

  // --- Connecting ---

  private whenOpen(socket: TwilioWebSocket, url: string, signal: AbortSignal | undefined): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.stopTimers();
        socket.terminate?.();
        reject(error);
      };
      const onAbort = (): void =>
        fail(
          new VoiceStreamEndedError("TwilioAgent: the run was cancelled while connecting.", {
            cause: signal?.reason,
          }),
        );
      const timer = setTimeout(
        () =>
          fail(
            new VoiceServerError(
              `TwilioAgent could not connect to ${url} within ${timeoutMs} ms. Is the bot's WebSocket server running? Raise \`connectTimeoutMs\` for a slow start.`,
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
      socket.on("error", (error: Error) => {
        if (!settled) {
          fail(
            new VoiceServerError(
              `TwilioAgent could not connect to ${url}: ${error.message}. Check that the bot's WebSocket server is running and \`url\` points at its Media Streams path.`,
              { cause: error },
            ),
          );
        }
      });
      socket.on("close", (code: number, reason: Buffer | string) => {
        if (!settled) {
          fail(
            new VoiceStreamEndedError(
              `TwilioAgent: the bot closed the connection before the call started (${describeClose(code, reason)}).`,
            ),
          );
          return;
        }
        this.onClose(code, reason);
      });
      socket.on("open", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }

  // --- The caller's side of the line ---

  private sendFrame(mulaw: Uint8Array): void {
    this.send(mediaMessage(this.ids.streamSid, ++this.sequenceNumber, ++this.chunk, this.audioSentMs, mulaw));
    this.audioSentMs += mulaw.byteLength / BYTES_PER_MS;
  }

  /**
   * Keeps the line streaming while the caller is quiet, up to the wall clock, as Twilio does. It
   * stays off during the caller's turn: a late frame there is the driver's delay, not a pause the
   * bot should hear (it would end the turn mid-sentence).
   */
  private fillSilence(): void {
    if (this.socket?.readyState !== OPEN || this.callerTurnOpen) return;
    const now = performance.now();
    if (now - this.lastCallerFrameAtMs < QUIET_AFTER_MS) return;
    const elapsedMs = now - this.lineStartedAtMs;
    while (this.audioSentMs + FRAME_MS <= elapsedMs) this.sendFrame(SILENT_FRAME);
  }

  // --- The bot's side ---

  private onFrame(data: Buffer | string, isBinary: boolean): void {
    if (isBinary) {
      this.emit({
        type: "error",
        message: "TwilioAgent: the bot sent a binary frame; Media Streams messages are JSON text.",
      });
      return;
    }
    const message = readBotMessage(data.toString(), this.ids.streamSid);
    switch (message.event) {
      case "media": {
        const now = performance.now();
        this.playbackEndsAtMs =
          Math.max(now, this.playbackEndsAtMs) + message.audio.byteLength / BYTES_PER_MS;
        this.emit({ type: "agent-audio", data: message.audio });
        return;
      }
      case "mark": {
        // Twilio echoes a mark once the audio sent before it has played.
        const mark: PendingMark = { name: message.name };
        const playedAtMs = this.playbackEndsAtMs;
        // Node's timers may fire a fraction of a millisecond early: wait again until it has played.
        const echoWhenPlayed = () => {
          const remainingMs = playedAtMs - performance.now();
          if (remainingMs > 0) {
            mark.timer = setTimeout(echoWhenPlayed, Math.ceil(remainingMs));
            mark.timer.unref?.();
            return;
          }
          this.echoMark(mark);
        };
        mark.timer = setTimeout(echoWhenPlayed, Math.max(0, Math.ceil(playedAtMs - performance.now())));
        mark.timer.unref?.();
        this.pendingMarks.push(mark);
        return;
      }
      case "clear":
        // The buffered audio is dropped and every pending mark comes back at once.
        this.playbackEndsAtMs = performance.now();
        for (const mark of [...this.pendingMarks]) this.echoMark(mark);
        this.emit({ type: "reply-end" });
        return;
      case "invalid":
        this.emit({ type: "error", message: `TwilioAgent: the bot sent ${message.problem}.` });
        return;
    }
  }

  private echoMark(mark: PendingMark): void {
    clearTimeout(mark.timer);
    this.pendingMarks = this.pendingMarks.filter((pending) => pending !== mark);
    if (this.socket?.readyState !== OPEN || this.closeRequested) return;
    this.send(markMessage(this.ids.streamSid, ++this.sequenceNumber, mark.name));
    this.emit({ type: "mark", name: mark.name });
  }

  private onClose(code: number, reason: Buffer | string): void {
    this.stopTimers();
    if (this.closeRequested) return;
    this.emit({ type: "closed", detail: describeClose(code, reason) });
  }

  // --- Plumbing ---

  private send(message: MediaStreamMessage): void {
    if (this.socket?.readyState !== OPEN) return;
    this.socket.send(JSON.stringify(message));
  }

  private requireOpen(what: string): void {
    if (this.socket?.readyState !== OPEN) {
      throw new VoiceStreamEndedError(`TwilioAgent cannot ${what}: the call's WebSocket is not open.`);
    }
  }

  private stopTimers(): void {
    if (this.silenceTimer !== undefined) clearInterval(this.silenceTimer);
    this.silenceTimer = undefined;
    for (const mark of this.pendingMarks) clearTimeout(mark.timer);
    this.pendingMarks = [];
  }

  private reset(): void {
    this.stopTimers();
    this.sequenceNumber = 0;
    this.chunk = 0;
    this.audioSentMs = 0;
    this.lastCallerFrameAtMs = Number.NEGATIVE_INFINITY;
    this.callerTurnOpen = false;
    this.playbackEndsAtMs = 0;
    this.closeRequested = false;
    this.closed = undefined;
  }
}

function describeClose(code: number, reason: Buffer | string): string {
  const text = reason.toString();
  return text === "" ? `code ${code}` : `code ${code}: ${text}`;
}
