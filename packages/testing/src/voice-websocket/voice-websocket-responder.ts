import { durationMs, frameBytes, fromPcm24k, toPcm24k } from "./voice-websocket-audio";
import type { VoiceWebSocketServerContext } from "./voice-websocket-connection";
import type {
  VoiceWebSocketAudioFormat,
  VoiceWebSocketFault,
  VoiceWebSocketReplyContext,
  VoiceWebSocketResponseRecord,
  VoiceWebSocketTurnRecord,
} from "./voice-websocket-types";
import type { VoiceWebSocketWire } from "./voice-websocket-wire";

interface ActiveResponse {
  record: VoiceWebSocketResponseRecord;
  ended: boolean;
  /** `response.started` was sent. */
  started: boolean;
  wake?: () => void;
  timer?: ReturnType<typeof setTimeout>;
}

/** The session settings a reply depends on. */
export interface SessionFormats {
  inputFormat: VoiceWebSocketAudioFormat;
  outputFormat: VoiceWebSocketAudioFormat;
  metadata: Record<string, unknown>;
}

/**
 * One connection's replies: think time, tool call reports, audio paced in real time with partial
 * transcripts, interrupts and barge-ins, and faults acted out on purpose.
 */
export class VoiceWebSocketResponder {
  private current: ActiveResponse | undefined;
  private responseCount = 0;
  private session!: SessionFormats;

  constructor(
    private readonly connectionId: number,
    private readonly wire: VoiceWebSocketWire,
    private readonly server: VoiceWebSocketServerContext,
  ) {}

  /** The reply in flight (thinking or speaking), if any. */
  get active(): ActiveResponse | undefined {
    return this.current;
  }

  /** Replies started on this connection. */
  get count(): number {
    return this.responseCount;
  }

  /** Starts the reply to a turn that just ended. */
  start(turn: VoiceWebSocketTurnRecord, dtmf: string, session: SessionFormats): void {
    this.session = session;
    const record: VoiceWebSocketResponseRecord = {
      index: this.server.responses.length,
      connectionId: this.connectionId,
      turnIndex: this.responseCount++,
      id: `resp_fake_${this.connectionId}_${this.responseCount}`,
      requestedAtMs: turn.endedAtMs,
      outcome: "in_progress",
      sentAudioBytes: 0,
      chunkCount: 0,
    };
    this.server.responses.push(record);
    const active: ActiveResponse = { record, ended: false, started: false };
    this.current = active;
    this.runResponse(active, turn, dtmf).catch((error: unknown) => {
      if (active.ended) return;
      const message = error instanceof Error ? error.message : String(error);
      this.wire.sendError("agent_error", `The fake agent's reply policy failed: ${message}`);
      this.endActive(active, "failed");
    });
  }

  private async runResponse(
    active: ActiveResponse,
    turn: VoiceWebSocketTurnRecord,
    dtmf: string,
  ): Promise<void> {
    const { record } = active;
    const userPcm24k = toPcm24k(turn.audio, this.session.inputFormat);
    const context: VoiceWebSocketReplyContext = {
      userAudio: turn.audio,
      userPcm24k,
      dtmf,
      turnIndex: record.turnIndex,
      connectionId: this.connectionId,
      inputFormat: this.session.inputFormat,
      outputFormat: this.session.outputFormat,
      metadata: this.session.metadata,
    };
    if (turn.text !== undefined) {
      context.userTranscript = turn.text;
    } else if (this.server.transcribe !== undefined && userPcm24k.byteLength > 0) {
      const transcript = await this.server.transcribe(userPcm24k);
      if (active.ended) return;
      if (transcript !== undefined) {
        turn.transcript = transcript;
        context.userTranscript = transcript;
        if (this.server.capabilities.userTranscripts) {
          this.wire.send({ type: "transcript", speaker: "user", text: transcript, final: true });
        }
      }
    }
    const reply = await this.server.reply(context);
    if (active.ended) return;
    const fault = this.server.takeFault() ?? reply.fault;
    if (fault !== undefined) record.fault = fault;
    const thinkUntil = record.requestedAtMs + (reply.thinkTimeMs ?? this.server.thinkTimeMs);

    if (fault?.type === "silence") {
      record.outcome = "silent";
      this.current = undefined;
      active.ended = true;
      this.server.changed();
      return;
    }
    if (fault?.type === "error" && fault.afterChunks === undefined) {
      if (!(await this.sleepUntil(active, thinkUntil))) return;
      this.sendFaultError(fault, undefined);
      this.finish("failed");
      return;
    }
    const audio =
      reply.audio ?? fromPcm24k(await this.server.speech(reply.transcript), this.session.outputFormat);
    if (active.ended) return;
    record.transcript = reply.transcript;
    record.audio = audio;
    if (!(await this.sleepUntil(active, thinkUntil))) return;
    for (const call of reply.toolCalls ?? []) {
      const callId = `call_fake_${this.connectionId}_${record.turnIndex}_${call.name}`;
      this.wire.send({ type: "tool.call", callId, name: call.name, arguments: call.arguments });
      if ("output" in call)
        this.wire.send({ type: "tool.result", callId, name: call.name, output: call.output });
    }
    active.started = true;
    this.wire.send({ type: "response.started", responseId: record.id });
    if (fault?.type === "stall") {
      record.outcome = "stalled";
      return;
    }

    const bytesPerFrame = frameBytes(this.session.outputFormat);
    const chunkBytes =
      Math.max(1, Math.round((this.server.chunkMs * this.session.outputFormat.sampleRateHz) / 1000)) *
      bytesPerFrame;
    const chunkCount = Math.ceil(audio.byteLength / chunkBytes);
    const words = reply.transcript.match(/\S+\s*/g) ?? [];
    const intervalMs = Number.isFinite(this.server.paceFactor)
      ? this.server.chunkMs / this.server.paceFactor
      : 0;
    const firstAt = this.server.clock();
    let wordsSent = 0;
    for (let index = 0; index <= chunkCount; index++) {
      if (fault?.type === "close" && index === (fault.afterChunks ?? 0)) return this.closeForFault(fault);
      if (fault?.type === "error" && index === fault.afterChunks) {
        this.sendFaultError(fault, record.id);
        if (!this.wire.closed) this.endActive(active, "failed");
        return;
      }
      if (fault?.type === "malformed" && index === (fault.afterChunks ?? 0))
        this.wire.sendRaw("{ this is not json");
      if (index === chunkCount) break;
      if (index > 0 && !(await this.sleepUntil(active, firstAt + index * intervalMs))) return;
      const chunk = audio.subarray(index * chunkBytes, Math.min(audio.byteLength, (index + 1) * chunkBytes));
      if (index === 0) record.firstAudioAtMs = this.server.clock();
      record.chunkCount++;
      record.sentAudioBytes += chunk.byteLength;
      this.wire.sendAudio(chunk);
      // The words spoken so far, after the audio that says them.
      const wordsDue = Math.ceil(((index + 1) * words.length) / chunkCount);
      if (wordsDue > wordsSent && wordsDue < words.length && this.server.capabilities.agentTranscripts) {
        const text = words.slice(0, wordsDue).join("").trimEnd();
        this.wire.send({ type: "transcript", speaker: "agent", text, final: false, responseId: record.id });
        wordsSent = wordsDue;
      }
    }
    if (this.server.capabilities.agentTranscripts) {
      this.wire.send({
        type: "transcript",
        speaker: "agent",
        text: reply.transcript,
        final: true,
        responseId: record.id,
      });
    }
    this.endActive(active, "completed");
  }

  /** The client's `interrupt`: cuts the reply being spoken, or drops one still being prepared. */
  interruptFromClient(playedMs: number | undefined): void {
    if (this.current === undefined || !this.current.started) {
      // Nothing speaking: a reply still thinking is dropped quietly, nothing else to cut.
      const thinking = this.current;
      this.server.interrupts.push({
        connectionId: this.connectionId,
        ...(thinking && { responseId: thinking.record.id }),
        by: "client",
        ...(playedMs !== undefined && { playedMs }),
        sentAudioMs: 0,
        atMs: this.server.clock(),
      });
      if (thinking !== undefined) {
        // A reply still being prepared is dropped, and the client told so like any other cut.
        this.wire.send({
          type: "response.done",
          responseId: thinking.record.id,
          status: "interrupted",
          reason: "client",
          audioMs: 0,
        });
        this.finish("interrupted");
      }
      return;
    }
    this.cut("client", playedMs);
  }

  /** Cuts the reply being spoken (the client asked, or the VAD heard the caller over it). */
  cut(by: "client" | "user_speech", playedMs?: number): void {
    const active = this.current;
    if (active === undefined) return;
    this.server.interrupts.push({
      connectionId: this.connectionId,
      responseId: active.record.id,
      by,
      ...(playedMs !== undefined && { playedMs }),
      sentAudioMs: durationMs(active.record.sentAudioBytes, this.session.outputFormat),
      atMs: this.server.clock(),
    });
    this.endActive(active, "interrupted", by);
  }

  /** Sends `response.done` for a reply the client was told about, then the bookkeeping. */
  private endActive(
    active: ActiveResponse,
    status: "completed" | "interrupted" | "failed",
    reason?: string,
  ): void {
    if (active.started) {
      this.wire.send({
        type: "response.done",
        responseId: active.record.id,
        status,
        ...(reason !== undefined && { reason }),
        audioMs: Math.round(durationMs(active.record.sentAudioBytes, this.session.outputFormat)),
      });
    }
    this.finish(status);
  }

  /** Ends the reply's bookkeeping and wakes its loop so it exits. */
  finish(outcome: VoiceWebSocketResponseRecord["outcome"]): void {
    const active = this.current;
    if (active === undefined) return;
    this.current = undefined;
    active.ended = true;
    active.record.outcome = outcome;
    active.record.endedAtMs = this.server.clock();
    if (active.timer !== undefined) clearTimeout(active.timer);
    active.wake?.();
    this.server.changed();
  }

  /** Waits until the server clock reaches `untilMs`; false when the reply ended meanwhile. */
  private async sleepUntil(active: ActiveResponse, untilMs: number): Promise<boolean> {
    do {
      if (active.ended) return false;
      await new Promise<void>((resolve) => {
        active.wake = () => {
          active.wake = undefined;
          active.timer = undefined;
          resolve();
        };
        active.timer = setTimeout(active.wake, Math.max(0, untilMs - this.server.clock()));
        active.timer.unref?.();
      });
      // Timers run on the event loop's cached time and may fire a little early: wait out the rest.
    } while (!active.ended && this.server.clock() < untilMs);
    return !active.ended;
  }

  private closeForFault(fault: Extract<VoiceWebSocketFault, { type: "close" }>): void {
    this.finish("connection-closed");
    if (fault.abrupt === true) this.wire.terminate();
    else this.wire.close(fault.code ?? 1011, "fake agent fault");
  }

  private sendFaultError(
    fault: Extract<VoiceWebSocketFault, { type: "error" }>,
    responseId: string | undefined,
  ): void {
    this.wire.send({
      type: "error",
      code: fault.code ?? "agent_error",
      message: fault.message ?? "The agent failed while answering.",
      fatal: fault.fatal ?? false,
      ...(responseId !== undefined && { responseId }),
    });
    if (fault.fatal === true) {
      this.finish("failed");
      this.wire.close(1011, fault.code ?? "agent_error");
    }
  }
}
