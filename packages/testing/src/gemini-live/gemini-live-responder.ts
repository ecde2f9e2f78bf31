import { pcmToBase64 } from "@scenario/voice";
import { type Sleeper, sleepUntil } from "../shared/interruptible-sleep";
import type { GeminiLiveServerContext } from "./gemini-live-connection";
import type {
  GeminiLiveFault,
  GeminiLiveFunctionResponse,
  GeminiLiveReply,
  GeminiLiveReplyContext,
  GeminiLiveResponseRecord,
  GeminiLiveUsage,
} from "./gemini-live-types";
import type { GeminiLiveWire } from "./gemini-live-wire";

/** The Live API's output audio: PCM16 24 kHz mono, 48 bytes a millisecond. */
const OUTPUT_MIME_TYPE = "audio/pcm;rate=24000";
const OUTPUT_BYTES_PER_MS = 48;

/** Roughly what the Live API counts for audio: 32 tokens a second (25 for the prompt's text is close enough). */
const AUDIO_TOKENS_PER_SECOND = 32;

interface ActiveReply extends Sleeper {
  record: GeminiLiveResponseRecord;
  ended: boolean;
  /** The audio being spoken and how much of it went out, so an interruption can send the late chunks. */
  audio: Uint8Array;
  sentOffset: number;
  /** The session asked for `outputAudioTranscription`. */
  transcribeOutput: boolean;
  /** Calls waiting for the client's `toolResponse`. */
  pendingCalls?: { ids: Set<string>; received: GeminiLiveFunctionResponse[]; done: () => void };
}

/**
 * One connection's replies: think time, paced `modelTurn` audio with output transcription,
 * function calls and their responses, interruptions (with late audio), usage and session
 * resumption handles at `turnComplete`, and faults acted out on purpose.
 */
export class GeminiLiveResponder {
  private current: ActiveReply | undefined;
  private replyCount = 0;

  constructor(
    private readonly connectionId: number,
    private readonly wire: GeminiLiveWire,
    private readonly server: GeminiLiveServerContext,
  ) {}

  /** True while a reply is thinking, speaking or waiting for function responses. */
  get active(): boolean {
    return this.current !== undefined;
  }

  /** Continues a resumed session: its next reply is turn `turnIndex`. */
  resumeAt(turnIndex: number): void {
    this.replyCount = turnIndex;
  }

  /** Starts the reply to a turn that just ended. */
  start(context: Omit<GeminiLiveReplyContext, "turnIndex" | "connectionId">, requestedAtMs: number): void {
    const record: GeminiLiveResponseRecord = {
      index: this.server.responses.length,
      connectionId: this.connectionId,
      turnIndex: this.replyCount++,
      requestedAtMs,
      outcome: "in_progress",
      sentAudioBytes: 0,
      chunkCount: 0,
      toolCalls: [],
      toolResponses: [],
      cancelledToolCallIds: [],
    };
    this.server.responses.push(record);
    const active: ActiveReply = {
      record,
      ended: false,
      audio: new Uint8Array(0),
      sentOffset: 0,
      transcribeOutput: context.setup.outputAudioTranscription !== undefined,
    };
    this.current = active;
    const fullContext: GeminiLiveReplyContext = {
      ...context,
      turnIndex: record.turnIndex,
      connectionId: this.connectionId,
    };
    this.run(active, fullContext).catch((error: unknown) => {
      if (active.ended) return;
      // The Live API has no error message: a failure closes the connection.
      const message = error instanceof Error ? error.message : String(error);
      this.finish(active, "connection-closed");
      this.wire.close(1011, `The fake model failed: ${message}`.slice(0, 120));
    });
  }

  /** The client's answers to the calls the reply is waiting on. */
  toolResponse(responses: GeminiLiveFunctionResponse[]): void {
    const pending = this.current?.pendingCalls;
    if (pending === undefined) return;
    for (const response of responses) {
      if (!pending.ids.has(response.id)) continue;
      pending.ids.delete(response.id);
      pending.received.push(response);
    }
    if (pending.ids.size === 0) pending.done();
  }

  /**
   * The caller spoke over the reply (`activityStart`, or the VAD stand-in): the reply stops, its
   * pending calls are cancelled, and `interrupted` is sent after `lateAudioChunks` chunks still in flight.
   */
  interrupt(by: "activityStart" | "vad"): void {
    const active = this.current;
    if (active === undefined) return;
    const { record } = active;
    const sentBefore = record.sentAudioBytes;
    let lateChunks = 0;
    const chunkBytes = this.chunkBytes;
    while (lateChunks < this.server.lateAudioChunks && active.sentOffset < active.audio.byteLength) {
      this.sendChunk(active, active.audio.subarray(active.sentOffset, active.sentOffset + chunkBytes));
      lateChunks++;
    }
    this.server.interruptions.push({
      connectionId: this.connectionId,
      responseIndex: record.index,
      by,
      sentAudioBytesBefore: sentBefore,
      lateChunks,
      atMs: this.server.clock(),
    });
    if (active.pendingCalls !== undefined && active.pendingCalls.ids.size > 0) {
      const ids = [...active.pendingCalls.ids];
      record.cancelledToolCallIds.push(...ids);
      this.wire.send({ toolCallCancellation: { ids } });
    }
    this.wire.send({ serverContent: { interrupted: true } });
    this.finish(active, "interrupted");
  }

  /** Stops all work (the socket closed). */
  stop(): void {
    if (this.current !== undefined) this.finish(this.current, "connection-closed");
  }

  private get chunkBytes(): number {
    return Math.max(1, Math.round(this.server.chunkMs)) * OUTPUT_BYTES_PER_MS;
  }

  private async run(active: ActiveReply, context: GeminiLiveReplyContext): Promise<void> {
    const { record } = active;
    const reply = await this.server.reply(context);
    if (active.ended) return;
    const fault = this.server.takeFault() ?? reply.fault;
    if (fault !== undefined) record.fault = fault;
    if (fault?.type === "stall") {
      record.outcome = "stalled";
      return;
    }
    const thinkUntil = record.requestedAtMs + (reply.thinkTimeMs ?? this.server.thinkTimeMs);
    if (!(await this.speak(active, reply, thinkUntil, fault))) return;
    let answer = reply;
    const calls = reply.toolCalls ?? [];
    if (calls.length > 0) {
      const responses = await this.callFunctions(active, calls);
      if (responses === undefined) return;
      answer = await this.server.reply({ ...context, toolResponses: responses });
      if (active.ended) return;
      const answerThinkUntil = this.server.clock() + (answer.thinkTimeMs ?? 0);
      if (!(await this.speak(active, answer, answerThinkUntil, fault))) return;
    }
    record.transcript = [reply.transcript, ...(answer === reply ? [] : [answer.transcript])]
      .filter((text) => text !== "")
      .join(" ");
    this.wire.send({ serverContent: { generationComplete: true } });
    const usage = answer.usage ?? reply.usage ?? this.estimateUsage(context, record);
    record.usage = usage;
    // Usage rides on the same message as turnComplete, as the real service sends it.
    this.wire.send({ serverContent: { turnComplete: true }, usageMetadata: usage });
    if (context.setup.sessionResumption !== undefined) {
      this.wire.send({
        sessionResumptionUpdate: { newHandle: this.server.nextHandle(this.replyCount), resumable: true },
      });
    }
    this.finish(active, "completed");
    if (fault?.type === "goAway") {
      this.wire.send({ goAway: { timeLeft: fault.timeLeft ?? "1s" } });
      const timer = setTimeout(
        () => this.wire.close(1000, "Session lifetime reached."),
        fault.closeAfterMs ?? 50,
      );
      timer.unref?.();
    }
  }

  /** Speaks one reply: waits out the think time, then paced audio with transcription. False when cut. */
  private async speak(
    active: ActiveReply,
    reply: GeminiLiveReply,
    thinkUntil: number,
    fault: GeminiLiveFault | undefined,
  ): Promise<boolean> {
    const audio =
      reply.audio ??
      (reply.transcript === "" ? new Uint8Array(0) : await this.server.speech(reply.transcript));
    if (active.ended) return false;
    if (!(await this.sleep(active, thinkUntil))) return false;
    active.audio = audio;
    active.sentOffset = 0;
    const chunkBytes = this.chunkBytes;
    const chunkCount = Math.ceil(audio.byteLength / chunkBytes);
    const transcribeOutput = active.transcribeOutput;
    const words = reply.transcript.match(/\S+\s*/g) ?? [];
    const intervalMs = Number.isFinite(this.server.paceFactor)
      ? this.server.chunkMs / this.server.paceFactor
      : 0;
    const firstAt = this.server.clock();
    let wordsSent = 0;
    for (let index = 0; index < chunkCount; index++) {
      if (fault?.type === "close" && active.record.chunkCount === (fault.afterChunks ?? 0)) {
        this.closeForFault(active, fault);
        return false;
      }
      if (index > 0 && !(await this.sleep(active, firstAt + index * intervalMs))) return false;
      this.sendChunk(active, audio.subarray(index * chunkBytes, (index + 1) * chunkBytes));
      // The words spoken so far, after the audio that says them.
      const wordsDue = Math.ceil(((index + 1) * words.length) / chunkCount);
      if (transcribeOutput && wordsDue > wordsSent) {
        const text = words.slice(wordsSent, wordsDue).join("");
        this.wire.send({ serverContent: { outputTranscription: { text } } });
        wordsSent = wordsDue;
      }
    }
    if (transcribeOutput && wordsSent < words.length) {
      this.wire.send({ serverContent: { outputTranscription: { text: words.slice(wordsSent).join("") } } });
    }
    return true;
  }

  /** Sends `toolCall` and waits for every response; undefined when the reply was cut meanwhile. */
  private async callFunctions(
    active: ActiveReply,
    calls: NonNullable<GeminiLiveReply["toolCalls"]>,
  ): Promise<GeminiLiveFunctionResponse[] | undefined> {
    const { record } = active;
    const withIds = calls.map((call, index) => ({
      id: `function-call-${this.connectionId}-${record.turnIndex}-${index}`,
      name: call.name,
      args: call.args ?? {},
    }));
    record.toolCalls.push(...withIds);
    const received: GeminiLiveFunctionResponse[] = [];
    const answered = new Promise<void>((resolve) => {
      active.pendingCalls = { ids: new Set(withIds.map((call) => call.id)), received, done: resolve };
      // Ending the reply wakes this wait too.
      active.wake = resolve;
    });
    this.wire.send({ toolCall: { functionCalls: withIds } });
    await answered;
    active.pendingCalls = undefined;
    if (active.ended) return undefined;
    record.toolResponses.push(...received);
    return received;
  }

  private sendChunk(active: ActiveReply, chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    const { record } = active;
    if (record.chunkCount === 0) record.firstAudioAtMs = this.server.clock();
    record.chunkCount++;
    record.sentAudioBytes += chunk.byteLength;
    active.sentOffset += chunk.byteLength;
    this.wire.send({
      serverContent: {
        modelTurn: { parts: [{ inlineData: { mimeType: OUTPUT_MIME_TYPE, data: pcmToBase64(chunk) } }] },
      },
    });
  }

  private estimateUsage(context: GeminiLiveReplyContext, record: GeminiLiveResponseRecord): GeminiLiveUsage {
    const promptTokenCount = Math.ceil(
      ((context.userAudio.byteLength / OUTPUT_BYTES_PER_MS) * AUDIO_TOKENS_PER_SECOND) / 1000 +
        (context.userTranscript?.length ?? 0) / 4,
    );
    const responseTokenCount = Math.ceil(
      ((record.sentAudioBytes / OUTPUT_BYTES_PER_MS) * AUDIO_TOKENS_PER_SECOND) / 1000,
    );
    return { promptTokenCount, responseTokenCount, totalTokenCount: promptTokenCount + responseTokenCount };
  }

  private sleep(active: ActiveReply, untilMs: number): Promise<boolean> {
    return sleepUntil(active, () => active.ended, this.server.clock, untilMs);
  }

  private closeForFault(active: ActiveReply, fault: Extract<GeminiLiveFault, { type: "close" }>): void {
    this.finish(active, "connection-closed");
    if (fault.abrupt === true) this.wire.terminate();
    else this.wire.close(fault.code ?? 1011, fault.reason ?? "Internal error encountered.");
  }

  private finish(active: ActiveReply, outcome: GeminiLiveResponseRecord["outcome"]): void {
    if (active.ended) return;
    active.ended = true;
    if (this.current === active) this.current = undefined;
    active.record.outcome = outcome;
    active.record.endedAtMs = this.server.clock();
    if (active.timer !== undefined) clearTimeout(active.timer);
    active.wake?.();
    this.server.changed();
  }
}
