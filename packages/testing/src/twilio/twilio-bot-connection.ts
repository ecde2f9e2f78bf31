import { concatPcm, pcmToBase64 } from "@scenario/voice";
import type { WebSocket } from "ws";
import { isRecord } from "../shared/checks";
import { ChunkEnergyVad } from "../shared/chunk-energy-vad";
import { CallerStreamChecks } from "./caller-stream-checks";
import { mulawRms } from "./mulaw";
import { type ActiveReply, sleepUntil, streamReply } from "./reply-stream";
import type { TwilioServerContext } from "./twilio-server-context";
import type {
  TwilioConnectionRecord,
  TwilioFault,
  TwilioFrameRecord,
  TwilioMessage,
  TwilioReplyContext,
  TwilioReplyOutcome,
  TwilioReplyRecord,
  TwilioStreamStart,
  TwilioTurnRecord,
} from "./twilio-types";

interface PendingTurn {
  trigger: TwilioReplyContext["trigger"];
  audio: Uint8Array;
  digits: string;
  thinkFromMs: number;
  transcript: Promise<string | undefined>;
}

/** μ-law bytes per millisecond at 8 kHz. */
const BYTES_PER_MS = 8;
/** Caller audio kept from before the speech started, so a turn does not begin mid-word. */
const PREFIX_PADDING_MS = 300;

/** The bot side of one Media Streams call: the caller's stream, the bot's turns and replies. */
export class TwilioBotConnection {
  private phase: "awaiting-connected" | "awaiting-start" | "streaming" | "stopped" = "awaiting-connected";
  private start: TwilioStreamStart | undefined;
  private readonly checks = new CallerStreamChecks((message) => this.violate(message));
  private readonly vad: ChunkEnergyVad;
  /** Caller frames since the last turn ended. */
  private callerFrames: Uint8Array[] = [];
  private turnStartedAtMs = 0;
  private turnIsBargeIn = false;
  private digits = "";
  private dtmfTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly queue: PendingTurn[] = [];
  private active: ActiveReply | undefined;
  private replyCount = 0;
  private closed = false;

  constructor(
    readonly id: number,
    private readonly socket: WebSocket,
    private readonly server: TwilioServerContext,
    private readonly record: TwilioConnectionRecord,
  ) {
    this.vad = new ChunkEnergyVad(server.vad);
  }

  /** Handles one text frame from the caller. */
  handleText(text: string): void {
    let message: TwilioMessage;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isRecord(parsed) || typeof parsed.event !== "string") throw new Error("no event");
      message = parsed as TwilioMessage;
    } catch {
      this.server.log(this.frame("received", { event: "(invalid)", raw: text.slice(0, 2000) }));
      this.violate("a frame that is not a JSON message with a string `event`");
      return;
    }
    this.server.log(this.frame("received", message));
    if (this.phase === "stopped") {
      this.violate(`'${message.event}' after 'stop'`);
      return;
    }
    this.checks.envelope(message, this.start);
    switch (message.event) {
      case "connected":
        this.onConnected(message);
        return;
      case "start":
        this.onStart(message);
        return;
      case "media":
        this.onMedia(message);
        return;
      case "dtmf":
        this.onDtmf(message);
        return;
      case "mark":
        this.onMark(message);
        return;
      case "stop":
        this.onStop(message);
        return;
      default:
        this.violate(`unknown event '${message.event}'`);
    }
  }

  /** Handles one binary frame: Media Streams messages are JSON text. */
  handleBinary(): void {
    this.server.log(this.frame("received", { event: "(invalid)", raw: "(binary frame)" }));
    this.violate("a binary frame (Media Streams messages are JSON text)");
  }

  /** Stops all work when the socket closes (either side). */
  handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.dtmfTimer !== undefined) clearTimeout(this.dtmfTimer);
    this.queue.length = 0;
    this.endActive("connection-closed");
  }

  // --- The caller's messages ---

  private onConnected(message: TwilioMessage): void {
    this.checks.connected(message);
    if (this.phase === "awaiting-connected") this.phase = "awaiting-start";
    else this.violate("a second 'connected'");
  }

  private onStart(message: TwilioMessage): void {
    if (this.phase !== "awaiting-start") {
      this.violate(this.phase === "awaiting-connected" ? "'start' before 'connected'" : "a second 'start'");
      if (this.phase === "streaming") return;
    }
    this.start = this.checks.start(message);
    this.record.start = this.start;
    this.phase = "streaming";
    if (this.server.greeting !== undefined) {
      this.enqueue({
        trigger: "greeting",
        audio: new Uint8Array(0),
        digits: "",
        thinkFromMs: this.server.clock(),
        transcript: Promise.resolve(undefined),
      });
    }
  }

  private onMedia(message: TwilioMessage): void {
    if (!this.requireStreaming("media")) return;
    const audio = this.checks.media(message);
    if (audio !== undefined) this.hear(audio);
  }

  private onDtmf(message: TwilioMessage): void {
    if (!this.requireStreaming("dtmf")) return;
    const key = this.checks.dtmf(message);
    if (key === undefined) return;
    this.server.dtmf.push({ connectionId: this.id, ...key, atMs: this.server.clock() });
    // A key press over the bot's prompt stops it, as IVRs do.
    if (this.isSpeaking()) this.clear();
    this.digits += key.digit;
    if (this.dtmfTimer !== undefined) clearTimeout(this.dtmfTimer);
    this.dtmfTimer = undefined;
    if (key.digit === "#") {
      this.takeDigitsTurn();
      return;
    }
    this.dtmfTimer = setTimeout(() => this.takeDigitsTurn(), this.server.dtmfTimeoutMs);
    this.dtmfTimer.unref?.();
  }

  private onMark(message: TwilioMessage): void {
    if (!this.requireStreaming("mark")) return;
    const name = this.checks.markName(message);
    const mark = this.server.marks.find(
      (candidate) =>
        candidate.connectionId === this.id && candidate.name === name && candidate.echoedAtMs === undefined,
    );
    if (mark === undefined) {
      this.violate(`'mark' echo ${JSON.stringify(name)} for no mark the bot sent (or echoed twice)`);
      return;
    }
    mark.echoedAtMs = this.server.clock();
    const active = this.active;
    if (active !== undefined && active.record.markName === name) this.endActive("completed");
  }

  private onStop(message: TwilioMessage): void {
    this.checks.stop(message, this.start);
    this.phase = "stopped";
    this.record.stoppedAtMs = this.server.clock();
    this.queue.length = 0;
    this.endActive("connection-closed");
  }

  private requireStreaming(event: string): boolean {
    if (this.phase === "streaming") return true;
    this.violate(`'${event}' before 'start'`);
    return false;
  }

  // --- Listening: VAD, turns, barge-in ---

  private hear(audio: Uint8Array): void {
    const now = this.server.clock();
    this.callerFrames.push(audio);
    const boundary = this.vad.push(mulawRms(audio), audio.byteLength / BYTES_PER_MS, now);
    if (boundary === "speech_started") {
      // Keep the voiced run plus a little lead-in; older audio was silence between turns.
      let keepBytes = (this.vad.voicedRunMs + PREFIX_PADDING_MS) * BYTES_PER_MS;
      const kept: Uint8Array[] = [];
      for (let index = this.callerFrames.length - 1; index >= 0 && keepBytes > 0; index--) {
        const frame = this.callerFrames[index]!;
        kept.unshift(frame);
        keepBytes -= frame.byteLength;
      }
      this.callerFrames = kept;
      this.turnStartedAtMs = this.vad.speechStartedAtMs;
      this.turnIsBargeIn = this.isSpeaking();
      if (this.turnIsBargeIn && this.server.bargeIn) this.clear();
    } else if (boundary === "speech_stopped") {
      const audioOfTurn = concatPcm(this.callerFrames);
      this.callerFrames = [];
      const turn: TwilioTurnRecord = {
        index: this.server.turns.length,
        connectionId: this.id,
        audio: audioOfTurn,
        speechStartedAtMs: this.turnStartedAtMs,
        speechEndedAtMs: this.vad.lastVoicedAtMs,
        endpointedAtMs: now,
        bargeIn: this.turnIsBargeIn,
      };
      this.server.turns.push(turn);
      const digits = this.digits;
      this.digits = "";
      this.enqueue({
        trigger: "speech",
        audio: audioOfTurn,
        digits,
        thinkFromMs: turn.speechEndedAtMs,
        transcript: this.transcribe(turn),
      });
    }
  }

  private async transcribe(turn: TwilioTurnRecord): Promise<string | undefined> {
    if (this.server.transcribe === undefined) return undefined;
    try {
      const transcript = await this.server.transcribe(turn.audio);
      if (transcript !== undefined) turn.transcript = transcript;
      return transcript;
    } catch {
      return undefined;
    }
  }

  private takeDigitsTurn(): void {
    if (this.dtmfTimer !== undefined) clearTimeout(this.dtmfTimer);
    this.dtmfTimer = undefined;
    if (this.digits === "" || this.closed) return;
    const digits = this.digits;
    this.digits = "";
    this.enqueue({
      trigger: "dtmf",
      audio: new Uint8Array(0),
      digits,
      thinkFromMs: this.server.clock(),
      transcript: Promise.resolve(undefined),
    });
  }

  /** Speaking: a reply has sent audio and is not over (its mark not yet echoed). */
  private isSpeaking(): boolean {
    return this.active?.record.firstFrameAtMs !== undefined;
  }

  private clear(): void {
    const active = this.active;
    if (active === undefined) return;
    this.send({ event: "clear", streamSid: this.streamSid() });
    this.server.clears.push({
      connectionId: this.id,
      replyIndex: active.record.index,
      atMs: this.server.clock(),
      framesBeforeClear: active.record.frameCount,
    });
    this.endActive("cleared");
  }

  // --- Speaking: replies ---

  private enqueue(turn: PendingTurn): void {
    if (this.closed || this.phase === "stopped") return;
    this.queue.push(turn);
    if (this.active === undefined) this.startNext();
  }

  private startNext(): void {
    const turn = this.queue.shift();
    if (turn === undefined || this.closed) return;
    const record: TwilioReplyRecord = {
      index: this.server.replies.length,
      connectionId: this.id,
      turnIndex: this.replyCount++,
      trigger: turn.trigger,
      requestedAtMs: this.server.clock(),
      thinkFromMs: turn.thinkFromMs,
      outcome: "in_progress",
      sentBytes: 0,
      frameCount: 0,
    };
    this.server.replies.push(record);
    const active: ActiveReply = { record, ended: false };
    this.active = active;
    this.runReply(active, turn).catch((error: unknown) => {
      // A failing policy or speech source: the bot says nothing, as a crashed handler would.
      record.error = error instanceof Error ? error.message : String(error);
      this.endActive("silent", active);
    });
  }

  private endActive(outcome: TwilioReplyOutcome, which: ActiveReply | undefined = this.active): void {
    if (which === undefined || which.ended) return;
    which.ended = true;
    which.record.outcome = outcome;
    which.record.endedAtMs = this.server.clock();
    if (which.timer !== undefined) clearTimeout(which.timer);
    which.wake?.();
    this.server.changed();
    if (this.active === which) {
      this.active = undefined;
      this.startNext();
    }
  }

  private async runReply(active: ActiveReply, turn: PendingTurn): Promise<void> {
    const { record } = active;
    const transcript = await turn.transcript;
    if (active.ended) return;
    const context: TwilioReplyContext = {
      callerAudio: turn.audio,
      digits: turn.digits,
      trigger: turn.trigger,
      turnIndex: record.turnIndex,
      connectionId: this.id,
    };
    if (transcript !== undefined && transcript !== "") context.callerTranscript = transcript;
    if (this.start !== undefined) context.start = this.start;
    const reply =
      turn.trigger === "greeting" && this.server.greeting !== undefined
        ? this.server.greeting
        : await this.server.reply(context);
    if (active.ended) return;
    const fault = this.server.takeFault() ?? reply.fault;
    if (fault !== undefined) record.fault = fault;
    const audio = reply.audio ?? (await this.server.speech(reply.transcript));
    if (active.ended) return;
    record.transcript = reply.transcript;
    record.audio = audio;
    const thinkTimeMs = reply.thinkTimeMs ?? this.server.thinkTimeMs;
    if (!(await sleepUntil(active, this.server.clock, turn.thinkFromMs + thinkTimeMs))) return;

    await streamReply(active, audio, fault, {
      clock: this.server.clock,
      chunkMs: this.server.chunkMs,
      paceFactor: this.server.paceFactor,
      sendMedia: (payload) =>
        this.send({ event: "media", streamSid: this.streamSid(), media: { payload: pcmToBase64(payload) } }),
      actOut: (faultToActOut) => this.actOut(active, faultToActOut),
      end: (outcome) => this.endActive(outcome, active),
      finish: () => {
        if (!this.server.sendMarks) {
          this.endActive("completed", active);
          return;
        }
        // The caller echoes the mark once it has played everything before it; until then the bot
        // is still speaking, so a barge-in can still clear it.
        const name = `reply-${this.id}-${record.turnIndex}`;
        record.markName = name;
        this.server.marks.push({ connectionId: this.id, name, sentAtMs: this.server.clock() });
        this.send({ event: "mark", streamSid: this.streamSid(), mark: { name } });
      },
    });
  }

  private actOut(active: ActiveReply, fault: TwilioFault): void {
    switch (fault.type) {
      case "close":
        this.endActive("connection-closed", active);
        if (fault.abrupt === true) this.socket.terminate();
        else this.socket.close(fault.code ?? 1011, "fake bot fault");
        return;
      case "malformed": {
        const text = fault.text ?? '{"event": "media", "media": ';
        this.server.log(this.frame("sent", { event: "(invalid)", raw: text }));
        if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
        this.endActive("malformed", active);
        return;
      }
      case "silence":
        this.endActive("silent", active);
        return;
    }
  }

  // --- Wire ---

  private streamSid(): string {
    return this.start?.streamSid ?? "";
  }

  private send(message: TwilioMessage): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.server.log(this.frame("sent", message));
    this.socket.send(JSON.stringify(message));
  }

  private violate(message: string): void {
    this.server.violation(this.id, message);
  }

  private frame(direction: "received" | "sent", message: TwilioMessage): TwilioFrameRecord {
    return { direction, connectionId: this.id, atMs: this.server.clock(), event: message.event, message };
  }
}
