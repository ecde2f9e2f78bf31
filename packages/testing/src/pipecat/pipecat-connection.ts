import { VOICE_SAMPLE_RATE } from "@scenario/spec";
import { resamplePcm } from "@scenario/voice";
import type { WebSocket } from "ws";
import { isRecord } from "../shared/checks";
import { sleepUntil } from "../shared/interruptible-sleep";
import { splitChunks } from "../shared/split-chunks";
import { decodePipecatFrame, type PipecatFrame } from "./pipecat-frame-codec";
import type {
  PipecatFault,
  PipecatReply,
  PipecatReplyContext,
  PipecatReplyOutcome,
  PipecatReplyRecord,
  PipecatServerContext,
  PipecatTurnRecord,
  RtviMessage,
} from "./pipecat-types";
import { PipecatVad } from "./pipecat-vad";
import { isRtviMessage, PipecatWire, parseJson } from "./pipecat-wire";

interface ActiveReply {
  record: PipecatReplyRecord;
  stopped: boolean;
  wake?: () => void;
  timer?: ReturnType<typeof setTimeout>;
}

const RTVI_PROTOCOL_VERSION = "1.0.0";
const DEFAULT_FAULT_MESSAGE = "The fake bot's pipeline failed.";

/** The bot side of one client connection: its VAD, turns, replies and RTVI messages. */
export class PipecatConnection {
  private sampleRate: number | undefined;
  private vad: PipecatVad | undefined;
  private inputChunks: Uint8Array[] = [];
  private inputBytes = 0;
  /** Bytes taken out of the input buffer since the VAD was made (the VAD counts from there). */
  private consumedBytes = 0;
  private active: ActiveReply | undefined;
  private replyCount = 0;

  private readonly wire: PipecatWire;

  constructor(
    readonly id: number,
    private readonly socket: WebSocket,
    private readonly server: PipecatServerContext,
  ) {
    this.wire = new PipecatWire(id, socket, server);
  }

  /** Handles one WebSocket message from the client. */
  handleMessage(data: Uint8Array, isBinary: boolean): void {
    if (!isBinary) {
      this.wire.logInvalid(
        "received",
        "A text WebSocket message: the protobuf serializer reads binary frames only.",
      );
      return;
    }
    let frame: PipecatFrame;
    try {
      frame = decodePipecatFrame(data);
    } catch (error) {
      this.wire.logInvalid("received", error instanceof Error ? error.message : String(error));
      return;
    }
    const message = frame.kind === "message" ? parseJson(frame.data) : undefined;
    this.server.log(this.wire.record("received", frame, message));
    if (frame.kind === "audio") this.handleAudio(frame);
    else if (frame.kind === "message" && isRtviMessage(message)) this.handleRtvi(message);
    // Text, transcription and interruption frames from a client reach a real pipeline but drive
    // nothing a bot does by default; they are logged and left there.
  }

  /** Stops all work when the socket closes (either side). */
  handleClose(): void {
    this.wire.closed = true;
    this.finishActive("connection-closed");
  }

  // ---- user audio and the VAD ----

  private handleAudio(frame: Extract<PipecatFrame, { kind: "audio" }>): void {
    const sampleRate = frame.sampleRate > 0 ? frame.sampleRate : 16_000;
    if (sampleRate !== this.sampleRate) {
      // A new rate starts a new stream: what came before at the old rate cannot be joined to it.
      this.sampleRate = sampleRate;
      this.vad = new PipecatVad(this.server.vad, sampleRate);
      this.inputChunks = [];
      this.inputBytes = 0;
      this.consumedBytes = 0;
    }
    this.inputChunks.push(frame.audio);
    this.inputBytes += frame.audio.byteLength;
    for (const boundary of this.vad!.push(frame.audio)) {
      const decidedAt = boundary.decidedAtByte - this.consumedBytes;
      if (boundary.type === "speech_started") {
        this.wire.sendRtvi("user-started-speaking");
        // A pipeline interrupts whenever the caller starts speaking, whether or not the bot talks.
        if (this.active !== undefined) this.interrupt("speech");
        else this.sendInterruptionFrame();
      } else {
        this.wire.sendRtvi("user-stopped-speaking");
        this.endSpeechTurn(Math.max(0, Math.min(this.inputBytes, decidedAt)), sampleRate);
      }
    }
  }

  private endSpeechTurn(byteCount: number, sampleRate: number): void {
    const audio = this.takeInput(byteCount);
    const turn: PipecatTurnRecord = {
      index: this.server.turns.length,
      connectionId: this.id,
      source: "speech",
      audio,
      sampleRate,
      endedAtMs: this.server.clock(),
    };
    this.server.turns.push(turn);
    // Converted only when the policy or the recogniser asks: resampling seconds of audio blocks the
    // event loop (and a client in the same process) for hundreds of milliseconds on a busy machine.
    let audio24k: Uint8Array | undefined;
    const userAudio = () => {
      audio24k ??= resamplePcm(audio, sampleRate, VOICE_SAMPLE_RATE);
      return audio24k;
    };
    this.startReply("speech", userAudio, this.transcribe(turn, userAudio));
  }

  /** Removes the first `byteCount` bytes of buffered input and returns them as one array. */
  private takeInput(byteCount: number): Uint8Array {
    const { taken, rest } = splitChunks(this.inputChunks, byteCount);
    this.inputChunks = rest;
    this.inputBytes -= byteCount;
    this.consumedBytes += byteCount;
    return taken;
  }

  private async transcribe(
    turn: PipecatTurnRecord,
    userAudio: () => Uint8Array,
  ): Promise<string | undefined> {
    if (this.server.transcribe === undefined) return undefined;
    // Let the frames already queued (user-stopped-speaking) go out before the conversion runs.
    await new Promise((resolve) => setImmediate(resolve));
    let text: string | undefined;
    try {
      text = await this.server.transcribe(userAudio());
    } catch {
      return undefined;
    }
    if (text === undefined || text === "") return undefined;
    turn.transcript = text;
    const timestamp = new Date().toISOString();
    if (this.server.transcriptFrames) {
      this.wire.sendFrame({
        kind: "transcription",
        ...this.wire.nextFrameId("TranscriptionFrame"),
        text,
        userId: "user",
        timestamp,
      });
    }
    this.wire.sendRtvi("user-transcription", { text, user_id: "user", timestamp, final: true });
    return text;
  }

  // ---- RTVI ----

  private handleRtvi(message: RtviMessage): void {
    switch (message.type) {
      case "client-ready":
        this.wire.sendRtvi(
          "bot-ready",
          { version: RTVI_PROTOCOL_VERSION, about: { library: "scenario-fake-pipecat" } },
          message.id,
        );
        this.server.onClientReady(this.id);
        if (this.server.greeting !== undefined && this.replyCount === 0) {
          const greeting = this.server.greeting;
          this.startReply("greeting", () => new Uint8Array(0), Promise.resolve(undefined), greeting);
        }
        return;
      case "send-text": {
        const data = isRecord(message.data) ? message.data : {};
        const content = typeof data.content === "string" ? data.content : "";
        const options = isRecord(data.options) ? data.options : {};
        this.server.turns.push({
          index: this.server.turns.length,
          connectionId: this.id,
          source: "text",
          audio: new Uint8Array(0),
          sampleRate: this.sampleRate ?? VOICE_SAMPLE_RATE,
          endedAtMs: this.server.clock(),
          transcript: content,
        });
        if (this.active !== undefined) {
          if (options.run_immediately === false) return;
          this.interrupt("text");
        }
        this.startReply("text", () => new Uint8Array(0), Promise.resolve(content));
        return;
      }
      case "disconnect-bot":
        this.socket.close(1000, "disconnect-bot");
        return;
      default:
        this.wire.sendRtvi("error-response", { error: `Unsupported type ${message.type}` }, message.id);
    }
  }

  // ---- replies ----

  private interrupt(cause: "speech" | "text"): void {
    const active = this.active;
    if (active === undefined) return;
    this.server.interruptions.push({
      connectionId: this.id,
      replyIndex: active.record.index,
      atMs: this.server.clock(),
      framesBeforeInterrupt: active.record.frameCount,
      cause,
    });
    const spoke = active.record.frameCount > 0;
    this.finishActive("interrupted");
    this.sendInterruptionFrame();
    this.wire.sendRtvi("bot-interrupted");
    if (spoke) this.wire.sendRtvi("bot-stopped-speaking");
  }

  private sendInterruptionFrame(): void {
    if (!this.server.interruptionFrames) return;
    this.wire.sendFrame({ kind: "interruption", ...this.wire.nextFrameId("InterruptionFrame") });
  }

  private finishActive(outcome: PipecatReplyOutcome): void {
    const active = this.active;
    if (active === undefined) return;
    this.active = undefined;
    active.stopped = true;
    active.record.outcome = outcome;
    active.record.endedAtMs = this.server.clock();
    if (active.timer !== undefined) clearTimeout(active.timer);
    active.wake?.();
    this.server.notify();
  }

  private startReply(
    trigger: PipecatReplyRecord["trigger"],
    userAudio: () => Uint8Array,
    transcript: Promise<string | undefined>,
    fixedReply?: PipecatReply,
  ): void {
    // A turn that ends while the bot still talks (it was not cut) replaces that reply, as a new
    // LLM run does in a pipeline.
    if (this.active !== undefined) this.interrupt(trigger === "text" ? "text" : "speech");
    const record: PipecatReplyRecord = {
      index: this.server.replies.length,
      connectionId: this.id,
      turnIndex: this.replyCount++,
      trigger,
      requestedAtMs: this.server.clock(),
      outcome: "in_progress",
      sentAudioBytes: 0,
      frameCount: 0,
    };
    this.server.replies.push(record);
    const active: ActiveReply = { record, stopped: false };
    this.active = active;
    this.runReply(active, userAudio, transcript, fixedReply).catch((error: unknown) => {
      if (active.stopped) return;
      const message = error instanceof Error ? error.message : String(error);
      this.wire.sendRtvi("error", { error: `The fake bot's reply policy failed: ${message}`, fatal: false });
      this.finishActive("failed");
    });
  }

  private async runReply(
    active: ActiveReply,
    userAudio: () => Uint8Array,
    transcriptPromise: Promise<string | undefined>,
    fixedReply: PipecatReply | undefined,
  ): Promise<void> {
    const { record } = active;
    const userTranscript = await transcriptPromise;
    if (active.stopped) return;
    this.wire.sendRtvi("bot-llm-started");
    const context: PipecatReplyContext = {
      trigger: record.trigger,
      get userAudio() {
        return userAudio();
      },
      turnIndex: record.turnIndex,
      connectionId: this.id,
    };
    if (userTranscript !== undefined) context.userTranscript = userTranscript;
    const reply = fixedReply ?? (await this.server.reply(context));
    if (active.stopped) return;
    const fault = this.server.takeFault() ?? reply.fault;
    if (fault !== undefined) record.fault = fault;
    const thinkUntil = record.requestedAtMs + (reply.thinkTimeMs ?? this.server.thinkTimeMs);

    if (fault?.type === "silence") {
      if (!(await this.sleepUntil(active, thinkUntil))) return;
      this.wire.sendRtvi("bot-llm-stopped");
      this.finishActive("silent");
      return;
    }

    const rate = this.server.outputSampleRate;
    const audio24k = reply.audio ?? (await this.server.speech(reply.transcript));
    const audio = resamplePcm(audio24k, VOICE_SAMPLE_RATE, rate);
    if (active.stopped) return;
    record.transcript = reply.transcript;
    record.audio = audio;
    record.sampleRate = rate;
    if (!(await this.sleepUntil(active, thinkUntil))) return;

    for (const call of reply.toolCalls ?? []) this.wire.reportToolCall(call);
    this.wire.sendRtvi("bot-llm-text", { text: reply.transcript });
    this.wire.sendRtvi("bot-llm-stopped");
    this.wire.sendRtvi("bot-tts-started");
    const chunkBytes = Math.max(2, Math.round((this.server.chunkMs * rate) / 1000) * 2);
    const chunkCount = Math.ceil(audio.byteLength / chunkBytes);
    const words = reply.transcript.match(/\S+\s*/g) ?? [];
    const intervalMs = Number.isFinite(this.server.paceFactor)
      ? this.server.chunkMs / this.server.paceFactor
      : 0;
    const firstAt = this.server.clock();
    let wordsSent = 0;
    for (let index = 0; index <= chunkCount; index++) {
      if (fault !== undefined && index === (fault.afterFrames ?? 0)) {
        if (fault.type === "close") return this.closeForFault(fault);
        if (fault.type === "malformed") this.wire.sendMalformed();
        if (fault.type === "error") {
          const fatal = fault.fatal ?? true;
          this.wire.sendRtvi("error", { error: fault.message ?? DEFAULT_FAULT_MESSAGE, fatal });
          if (fatal) return this.finishActive("failed");
        }
      }
      if (index === chunkCount) break;
      if (index > 0 && !(await this.sleepUntil(active, firstAt + index * intervalMs))) return;
      if (index === 0) {
        record.firstAudioAtMs = this.server.clock();
        this.wire.sendRtvi("bot-started-speaking");
      }
      const wordsDue = Math.ceil(((index + 1) * words.length) / chunkCount);
      if (wordsDue > wordsSent) this.wire.sendWords(words.slice(wordsSent, wordsDue).join(""));
      wordsSent = Math.max(wordsSent, wordsDue);
      const piece = audio.subarray(index * chunkBytes, Math.min(audio.byteLength, (index + 1) * chunkBytes));
      record.frameCount++;
      record.sentAudioBytes += piece.byteLength;
      this.wire.sendFrame({
        kind: "audio",
        ...this.wire.nextFrameId("OutputAudioRawFrame"),
        audio: piece,
        sampleRate: rate,
        numChannels: 1,
      });
    }
    if (wordsSent < words.length) this.wire.sendWords(words.slice(wordsSent).join(""));
    this.wire.sendRtvi("bot-tts-stopped");
    if (record.frameCount > 0) this.wire.sendRtvi("bot-stopped-speaking");
    this.finishActive("completed");
  }

  /**
   * Waits until the server clock reaches `untilMs` unless the reply is stopped first (resolves
   * false then). Always yields once, so an interrupt on the socket is seen.
   */
  private sleepUntil(active: ActiveReply, untilMs: number): Promise<boolean> {
    return sleepUntil(
      active,
      () => active.stopped,
      () => this.server.clock(),
      untilMs,
    );
  }

  private closeForFault(fault: Extract<PipecatFault, { type: "close" }>): void {
    this.finishActive("connection-closed");
    if (fault.abrupt === true) this.socket.terminate();
    else this.socket.close(fault.code ?? 1011, "fake bot fault");
  }
}
