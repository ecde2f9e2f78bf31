import { ConfigurationError } from "@scenario/spec";
import type { WebSocket } from "ws";
import {
  bytesPerSampleFrame,
  type ErrorMessage,
  type VoiceProtocolAudioFormat,
  type VoiceProtocolCapabilities,
  type VoiceProtocolErrorCode,
  type VoiceProtocolResponseStatus,
  type VoiceProtocolServerMessage,
  type VoiceProtocolTurnDetection,
} from "./protocol";
import { VoiceAgentResponse } from "./voice-agent-response";

/** What a client's `interrupt` said. */
export interface VoiceAgentInterrupt {
  /** The reply the client stopped (the active one when it named none). */
  responseId?: string;
  /** Milliseconds of that reply's audio the caller heard. */
  playedMs?: number;
}

/** The events of a `VoiceAgentSession`, with their listeners' arguments. */
export interface VoiceAgentSessionEvents {
  /** A binary frame of the caller's audio, in `session.inputFormat`. */
  audio: [audio: Uint8Array];
  /**
   * The caller finished a turn (`input.end`): answer now. With `turnDetection: "server"` it is a
   * hint; answer each turn once, whether your VAD or this ended it.
   */
  inputEnd: [];
  /** The caller's words as text (`input.text`, part of the turn `inputEnd` ends); only with `capabilities.textInput`. */
  text: [text: string];
  /** DTMF digits (`dtmf`); only with `capabilities.dtmf`. */
  dtmf: [digits: string];
  /** The client stopped the reply in flight. The helper has already ended it and told the client. */
  interrupt: [interrupt: VoiceAgentInterrupt];
  /** The session is over: the client hung up, the connection dropped, or `end()` was called. */
  close: [info: { code: number; reason: string }];
}

/** Options of `VoiceAgentSession.reply()`. */
export interface VoiceAgentReplyOptions {
  /** The words of the reply, streamed as partial transcripts while the audio plays, then final. */
  transcript?: string;
  /**
   * Milliseconds of audio per binary frame.
   * @default 20
   */
  chunkMs?: number;
  /**
   * How much faster than real time to send: 1 paces frames as they would be heard (so a barge-in
   * cuts the reply where a caller would), `Infinity` sends them at once.
   * @default 1
   */
  paceFactor?: number;
}

interface SessionInternals {
  socket: WebSocket;
  id: string;
  version: number;
  inputFormat: VoiceProtocolAudioFormat;
  outputFormat: VoiceProtocolAudioFormat;
  turnDetection: VoiceProtocolTurnDetection;
  capabilities: VoiceProtocolCapabilities;
  metadata: Record<string, unknown>;
}

type Listener<K extends keyof VoiceAgentSessionEvents> = (...args: VoiceAgentSessionEvents[K]) => void;

/**
 * One caller's session with the agent, handed to the `serveVoiceAgent()` handler after the
 * handshake. Listen to its events (attach listeners before the handler's first `await`) and answer
 * with `reply()` or `startResponse()`.
 */
export class VoiceAgentSession {
  /** The session id sent in `session.started`. */
  readonly id: string;
  /** The protocol version in use. */
  readonly version: number;
  /** The format of the caller's audio (`audio` events). */
  readonly inputFormat: VoiceProtocolAudioFormat;
  /** The format the agent's audio must be sent in. */
  readonly outputFormat: VoiceProtocolAudioFormat;
  /** Who ends the caller's turns: with `"client"`, answer each `inputEnd`. */
  readonly turnDetection: VoiceProtocolTurnDetection;
  /** What the agent declared it can do. */
  readonly capabilities: VoiceProtocolCapabilities;
  /** The client's `session.start` metadata. */
  readonly metadata: Record<string, unknown>;
  private readonly socket: WebSocket;
  private readonly listeners = new Map<keyof VoiceAgentSessionEvents, Set<(...args: never[]) => void>>();
  private readonly controller = new AbortController();
  private active: VoiceAgentResponse | undefined;
  /** The turn awaiting its reply: the id that reply will have, and whether it was interrupted. */
  private pendingTurn: { responseId: string; cancelled: boolean } | undefined;
  private responseCount = 0;
  private callCount = 0;

  /** @internal Created by `serveVoiceAgent()`. */
  constructor(internals: SessionInternals) {
    this.socket = internals.socket;
    this.id = internals.id;
    this.version = internals.version;
    this.inputFormat = internals.inputFormat;
    this.outputFormat = internals.outputFormat;
    this.turnDetection = internals.turnDetection;
    this.capabilities = internals.capabilities;
    this.metadata = internals.metadata;
  }

  /** Aborts when the session is over. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The reply in flight, if any. */
  get activeResponse(): VoiceAgentResponse | undefined {
    return this.active;
  }

  /** Adds a listener. */
  on<K extends keyof VoiceAgentSessionEvents>(event: K, listener: Listener<K>): this {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (...args: never[]) => void);
    return this;
  }

  /** Removes a listener. */
  off<K extends keyof VoiceAgentSessionEvents>(event: K, listener: Listener<K>): this {
    this.listeners.get(event)?.delete(listener as (...args: never[]) => void);
    return this;
  }

  /**
   * Starts a reply (`response.started`). One at a time: end the previous one first. When the client
   * interrupted the turn before its reply started, the reply comes back already over (`done`), and
   * nothing is sent.
   */
  startResponse(): VoiceAgentResponse {
    if (this.active !== undefined) {
      throw new ConfigurationError(
        `Reply ${this.active.id} is still in flight. End it (response.end()) before starting another.`,
      );
    }
    const pending = this.pendingTurn;
    this.pendingTurn = undefined;
    if (pending?.cancelled) return new VoiceAgentResponse(this, pending.responseId, true);
    const response = new VoiceAgentResponse(this, pending?.responseId ?? this.nextResponseId());
    this.active = response;
    this.send({ type: "response.started", responseId: response.id });
    return response;
  }

  /**
   * Speaks `audio` (in `outputFormat`) as one reply, paced in real time, with its transcript, and
   * resolves with how it ended: `"interrupted"` when the client cut it.
   */
  async reply(audio: Uint8Array, options: VoiceAgentReplyOptions = {}): Promise<VoiceProtocolResponseStatus> {
    const chunkMs = options.chunkMs ?? 20;
    const paceFactor = options.paceFactor ?? 1;
    if (!(chunkMs >= 1) || !(paceFactor > 0)) {
      throw new ConfigurationError(
        `reply() needs chunkMs >= 1 and paceFactor > 0, got ${String(options.chunkMs)} and ${String(options.paceFactor)}.`,
      );
    }
    const response = this.startResponse();
    const frameBytes = bytesPerSampleFrame(this.outputFormat);
    const chunkBytes =
      Math.max(1, Math.round((chunkMs * this.outputFormat.sampleRateHz) / 1000)) * frameBytes;
    const chunkCount = Math.ceil(audio.byteLength / chunkBytes);
    const words = options.transcript?.match(/\S+\s*/g) ?? [];
    const intervalMs = Number.isFinite(paceFactor) ? chunkMs / paceFactor : 0;
    const startedAt = performance.now();
    let wordsSent = 0;
    for (let index = 0; index < chunkCount; index++) {
      if (index > 0 && intervalMs > 0) {
        await sleepUntil(startedAt + index * intervalMs, response.signal);
      }
      if (response.done) return "interrupted";
      const wordsDue = Math.ceil(((index + 1) * words.length) / chunkCount);
      if (wordsDue > wordsSent && wordsDue < words.length) {
        response.sendTranscript(words.slice(0, wordsDue).join("").trimEnd());
        wordsSent = wordsDue;
      }
      response.sendAudio(audio.subarray(index * chunkBytes, (index + 1) * chunkBytes));
    }
    if (response.done) return "interrupted";
    if (options.transcript !== undefined) response.sendTranscript(options.transcript, { final: true });
    response.end("completed");
    return "completed";
  }

  /** Sends what the agent recognised of the caller (`final: false` for a hypothesis so far). */
  sendUserTranscript(text: string, options: { final?: boolean } = {}): boolean {
    return this.send({ type: "transcript", speaker: "user", text, final: options.final ?? true });
  }

  /** Tells the client the agent's VAD (or TTS) noticed speech start or stop. */
  sendSpeech(
    type: "speech.started" | "speech.stopped",
    speaker: "agent" | "user",
    audioMs?: number,
  ): boolean {
    return this.send({ type, speaker, ...(audioMs !== undefined && { audioMs }) });
  }

  /** Reports a tool call the agent makes; returns its call id for `sendToolResult()`. */
  sendToolCall(name: string, args: unknown, callId = `call_${this.id}_${++this.callCount}`): string {
    this.send({ type: "tool.call", callId, name, arguments: args });
    return callId;
  }

  /** Reports a tool call's result. */
  sendToolResult(
    callId: string,
    name: string,
    output: unknown,
    options: { isError?: boolean } = {},
  ): boolean {
    return this.send({
      type: "tool.result",
      callId,
      name,
      output,
      ...(options.isError !== undefined && { isError: options.isError }),
    });
  }

  /** Reports an error; with `fatal` the session ends (close code 1011). */
  sendError(
    code: VoiceProtocolErrorCode | (string & {}),
    message: string,
    options: { fatal?: boolean; responseId?: string } = {},
  ): void {
    const fatal = options.fatal ?? false;
    const error: ErrorMessage = { type: "error", code, message, fatal };
    if (options.responseId !== undefined) error.responseId = options.responseId;
    this.send(error);
    if (fatal) this.close(1011, code);
  }

  /** Hangs up: `session.ended`, then the connection closes normally. */
  end(reason?: string): void {
    this.active?.end("interrupted");
    this.send({ type: "session.ended", ...(reason !== undefined && { reason }) });
    this.close(1000, reason ?? "session ended");
  }

  /** @internal The server is shutting down: `session.ended`, then close 1001. */
  shutdown(): void {
    this.active?.end("interrupted");
    this.send({ type: "session.ended", reason: "server shutting down" });
    this.close(1001, "server shutting down");
  }

  /** @internal Sends one JSON message; false when the connection is gone. */
  send(message: VoiceProtocolServerMessage): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** @internal Sends one binary audio frame. */
  sendBinary(audio: Uint8Array): boolean {
    if (this.socket.readyState !== this.socket.OPEN || audio.byteLength === 0) return false;
    this.socket.send(audio, { binary: true });
    return true;
  }

  /** @internal Forgets the reply once it ended. */
  releaseResponse(response: VoiceAgentResponse): void {
    if (this.active === response) this.active = undefined;
  }

  /** @internal The caller's turn ended (`input.end`): its reply is awaited. */
  beginTurn(): void {
    if (this.active === undefined) this.pendingTurn = { responseId: this.nextResponseId(), cancelled: false };
  }

  /**
   * @internal The client's `interrupt`: ends the reply in flight first (one being spoken, or one
   * still being prepared), answering `response.done`, then tells the handler.
   */
  handleInterrupt(interrupt: VoiceAgentInterrupt): void {
    const active = this.active;
    const names = (id: string): boolean => interrupt.responseId === undefined || interrupt.responseId === id;
    if (active !== undefined && names(active.id)) {
      active.end("interrupted", "client");
      this.emit("interrupt", { ...interrupt, responseId: active.id });
      return;
    }
    const pending = this.pendingTurn;
    if (active === undefined && pending !== undefined && !pending.cancelled && names(pending.responseId)) {
      pending.cancelled = true;
      this.send({
        type: "response.done",
        responseId: pending.responseId,
        status: "interrupted",
        reason: "client",
        audioMs: 0,
      });
      this.emit("interrupt", { ...interrupt, responseId: pending.responseId });
      return;
    }
    this.emit("interrupt", interrupt);
  }

  private nextResponseId(): string {
    return `resp_${this.id}_${++this.responseCount}`;
  }

  /** @internal Calls the listeners of `event`. */
  emit<K extends keyof VoiceAgentSessionEvents>(event: K, ...args: VoiceAgentSessionEvents[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      (listener as Listener<K>)(...args);
    }
  }

  /** @internal The connection closed. */
  handleClosed(code: number, reason: string): void {
    if (this.controller.signal.aborted) return;
    this.active?.abandon();
    this.active = undefined;
    this.controller.abort();
    this.emit("close", { code, reason });
  }

  private close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(code, reason.slice(0, 120));
  }
}

/** Resolves at `untilMs` on `performance.now()`'s clock, or at once when `signal` aborts. */
function sleepUntil(untilMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, untilMs - performance.now()));
    signal.addEventListener("abort", done);
  });
}
