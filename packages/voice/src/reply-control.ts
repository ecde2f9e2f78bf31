import {
  type AudioChunk,
  type InterruptOutcome,
  type ReceiveAudioOptions,
  RunCancelledError,
  VoiceFirstAudioTimeoutError,
  type VoiceInterruptContext,
} from "@scenario/spec";
import { bargeIn } from "./barge-in";
import { delay } from "./call-clock";
import { PendingReply, type ReplyEndReason, type TurnInFlight } from "./pending-reply";
import type { VoiceCall } from "./voice-call";

/**
 * The agent's replies: opens one per turn (or when the agent speaks by itself), arms its timers
 * (first audio, silence tail, length limit, planned barge-in), ends it and writes its segment.
 */
export class ReplyControl {
  readonly call: VoiceCall;
  /** The latest reply, finished or not. */
  reply: PendingReply | undefined;
  /** The `call()` in progress, so an early `interrupt()` can wait for its reply to open. */
  turn: TurnInFlight | undefined;
  /** Records a pending "on-user-speech" interrupt response now, from what is known (see barge-in.ts). */
  settleInterruptResponse: (() => void) | undefined;

  constructor(call: VoiceCall) {
    this.call = call;
  }

  /** Forgets the previous call's reply. */
  reset(): void {
    this.reply?.clearTimers();
    this.reply = undefined;
    this.turn = undefined;
    this.settleInterruptResponse = undefined;
  }

  open(turnEndedAtMs: number | undefined): PendingReply {
    const previous = this.reply;
    // A reply the agent started by itself and nobody consumed ends where the next one begins.
    if (previous !== undefined && !previous.finished) this.finish(previous, "completed");
    const reply = new PendingReply(turnEndedAtMs, this.call.wallNowMs(), this.call.timings);
    this.reply = reply;
    return reply;
  }

  /** The reply incoming events belong to: the open one, or a new one the agent started by itself. */
  forIncoming(): PendingReply | undefined {
    const reply = this.reply;
    if (reply !== undefined && !reply.finished) return reply;
    // Late events of a cancelled reply are dropped until the transport confirms it ended.
    if (reply?.cancelled && !reply.transportEnded) return undefined;
    const unsolicited = this.open(this.call.pendingTurnEndMs);
    unsolicited.resolveRequested();
    return unsolicited;
  }

  /** Notes activity on a live reply (it defers the silence tail). */
  touch(reply: PendingReply): void {
    reply.lastActivityAtWallMs = this.call.wallNowMs();
    this.armSilenceTail(reply);
  }

  startAgentSegment(reply: PendingReply, nowWallMs: number, endUserSpeech: () => void): void {
    endUserSpeech();
    const call = this.call;
    call.clock.advanceTo(call.userAudioEndsAtMs);
    reply.firstAudioAtWallMs = nowWallMs;
    const startMs = call.nowMs();
    reply.segmentStartMs = startMs;
    reply.segment = call.recorder.beginSegment("agent", startMs);
    if (reply.turnEndedAtMs !== undefined && call.pendingTurnEndMs === reply.turnEndedAtMs) {
      call.recorder.recordTimeToFirstAudio(Math.max(0, startMs - reply.turnEndedAtMs));
      call.pendingTurnEndMs = undefined;
    }
  }

  /** Milliseconds of the reply the caller has heard at wall time `atWallMs`. */
  playedMs(reply: PendingReply, atWallMs: number): number {
    if (reply.firstAudioAtWallMs === undefined) return 0;
    if (this.call.playback === "instant") return reply.acceptedMs;
    return Math.min(reply.acceptedMs, Math.max(0, atWallMs - reply.firstAudioAtWallMs));
  }

  /** Asks the transport to stop the reply; a failure is kept for the next turn. */
  async interruptTransport(context: VoiceInterruptContext): Promise<void> {
    await this.call.transport.interrupt(context).catch((error: unknown) => this.call.rememberError(error));
  }

  /** Arms the reply's timers with the consumer's options, once. */
  arm(reply: PendingReply, options: ReceiveAudioOptions): void {
    if (reply.armed) return;
    reply.armed = true;
    if (options.firstAudioTimeoutMs !== undefined) reply.firstAudioTimeoutMs = options.firstAudioTimeoutMs;
    if (options.silenceTailMs !== undefined) reply.silenceTailMs = options.silenceTailMs;
    if (options.maxReplyMs !== undefined) reply.maxReplyMs = options.maxReplyMs;
    if (reply.firstAudioAtWallMs !== undefined || reply.finished) return;
    const deadline = reply.openedAtWallMs + reply.firstAudioTimeoutMs;
    reply.schedule(deadline - this.call.wallNowMs(), () => {
      if (reply.finished || reply.firstAudioAtWallMs !== undefined || reply.cancelled) return;
      const error = new VoiceFirstAudioTimeoutError(
        `The agent sent no audio within ${reply.firstAudioTimeoutMs} ms after the user's turn. ` +
          "Check that the agent is running and answering (its logs, its API key), or raise firstAudioTimeoutMs.",
      );
      this.fail(reply, error);
      // A reply that starts after we gave up must not leak into the next turn.
      reply.cancelled = true;
      void this.interruptTransport({
        reason: "first-audio-timeout",
        playedMs: 0,
        receivedMs: 0,
        replyDelivered: false,
      });
    });
  }

  armSilenceTail(reply: PendingReply): void {
    if (reply.finished || reply.firstAudioAtWallMs === undefined) return;
    const activityAt = reply.lastActivityAtWallMs;
    reply.schedule(reply.silenceTailMs, () => {
      if (reply.finished || reply.lastActivityAtWallMs !== activityAt) return;
      this.finishWhenPlayed(reply, "silence-tail");
    });
  }

  /** Ends the reply now, or (real-time playback) once its received audio has been played. */
  finishWhenPlayed(reply: PendingReply, reason: ReplyEndReason): void {
    if (reply.finished) return;
    if (this.call.playback === "realtime" && reply.firstAudioAtWallMs !== undefined) {
      const remaining = reply.firstAudioAtWallMs + reply.acceptedMs - this.call.wallNowMs();
      if (remaining > 0) {
        reply.schedule(remaining, () => this.finishWhenPlayed(reply, reason));
        return;
      }
    }
    this.finish(reply, reason);
  }

  setPlannedInterruption(reply: PendingReply, afterMs: number): void {
    if (!Number.isFinite(afterMs) || afterMs < 0) return;
    reply.interruptAfterMs = afterMs;
    if (this.call.playback === "realtime") this.checkPlannedInterruption(reply);
    // Planned late (an `interrupt({ afterMs })` step): audio past the point may already be in.
    else if (reply.firstAudioAtWallMs !== undefined && reply.acceptedMs >= afterMs && !reply.finished) {
      void this.bargeIn(reply).catch((error: unknown) => this.call.rememberError(error));
    }
  }

  /** Plans a barge-in once the reply's streamed transcript holds `words` words. */
  setPlannedWordInterruption(reply: PendingReply, words: number): void {
    reply.interruptAfterWords = words;
    this.checkPlannedWords(reply);
  }

  /** Barges in when the transcript streamed so far reaches the planned number of words. */
  checkPlannedWords(reply: PendingReply): void {
    const words = reply.interruptAfterWords;
    if (words === undefined || reply.finished || reply.cancelled || reply.bargeIn !== undefined) return;
    if (countWords(reply.transcript) < words) return;
    void this.bargeIn(reply).catch((error: unknown) => this.call.rememberError(error));
  }

  /** Real-time playback: barge in once the caller has heard `interruptAfterMs` of the reply. */
  checkPlannedInterruption(reply: PendingReply): void {
    const afterMs = reply.interruptAfterMs;
    if (afterMs === undefined || this.call.playback !== "realtime" || reply.finished || reply.cancelled)
      return;
    if (reply.firstAudioAtWallMs === undefined) return;
    const now = this.call.wallNowMs();
    if (this.playedMs(reply, now) >= afterMs) {
      void this.bargeIn(reply).catch((error: unknown) => this.call.rememberError(error));
      return;
    }
    const dueIn = reply.firstAudioAtWallMs + afterMs - now;
    if (dueIn > 0) reply.schedule(dueIn, () => this.checkPlannedInterruption(reply));
  }

  async cutAtMaxLength(reply: PendingReply): Promise<void> {
    if (reply.finished || reply.cancelled || reply.bargeIn !== undefined) return;
    // The reply keeps its first maxReplyMs; the far side drops the rest.
    const playedMs = reply.acceptedMs;
    const replyDelivered = reply.transportEnded;
    reply.cancelled = true;
    this.finish(reply, "max-length");
    if (!replyDelivered) {
      await this.interruptTransport({ reason: "max-length", playedMs, receivedMs: playedMs, replyDelivered });
    }
  }

  /** Barges in on the reply; a second barge-in on the same reply shares the first one's outcome. */
  bargeIn(reply: PendingReply): Promise<InterruptOutcome> {
    return bargeIn(this, reply);
  }

  /** Ends the reply and its segment. `keepMs` cuts the audio to what the caller heard. */
  finish(reply: PendingReply, reason: ReplyEndReason, keepMs?: number): void {
    if (reply.finished) return;
    reply.finished = true;
    reply.clearTimers();
    if (keepMs !== undefined) reply.cutTo(keepMs);
    if (reply.segment !== undefined) {
      const truncated = reason === "interrupted" || reason === "max-length";
      const endMs = reply.segmentStartMs + reply.acceptedMs;
      const transcript = reply.finalTranscript ?? reply.transcript;
      const wireAudio = reply.wireAudio();
      // Appended only now, once a barge-in may have cut the audio to what the caller heard.
      for (const chunk of reply.audio) reply.segment.append(chunk);
      reply.segment.end({
        atMs: endMs,
        truncated,
        ...(transcript !== "" && { transcript }),
        ...(wireAudio !== undefined && { wireAudio }),
      });
      // The reply played in real time on the call clock, even if it arrived faster.
      this.call.clock.advanceTo(endMs);
    }
    reply.notify();
  }

  fail(reply: PendingReply, error: Error): void {
    if (reply.finished) return;
    reply.error = error;
    this.finish(reply, "failed");
  }

  /** Fails the reply in flight, or else keeps the error for the next turn. */
  failInFlight(error: Error): void {
    const reply = this.reply;
    if (reply !== undefined && !reply.finished) {
      this.fail(reply, error);
      return;
    }
    this.call.rememberError(error);
  }

  /** Ends a reply still running when the call ends: what was heard is kept, marked as cut. */
  abandon(keepHeard: boolean): void {
    const reply = this.reply;
    if (reply === undefined || reply.finished) return;
    reply.cancelled = true;
    this.finish(reply, "interrupted", keepHeard ? this.playedMs(reply, this.call.wallNowMs()) : undefined);
  }

  /** A cancelled reply must be over on the transport before the next one is asked for. */
  async settlePrevious(): Promise<void> {
    const previous = this.reply;
    if (previous === undefined || previous.transportEnded || !previous.cancelled) return;
    await Promise.race([previous.transportEndedSignal, delay(this.call.timings.interruptTimeoutMs)]);
    // No confirmation in time: stop dropping the far side's events, or the next reply is lost.
    previous.markTransportEnded(this.call.wallNowMs());
  }

  /** Yields the reply's audio as it arrives, until it ends; throws its error. */
  async *consume(reply: PendingReply, options: ReceiveAudioOptions): AsyncGenerator<AudioChunk> {
    this.arm(reply, options);
    const signal = options.signal;
    let index = 0;
    const onAbort = () => reply.notify();
    signal?.addEventListener("abort", onAbort);
    try {
      for (;;) {
        while (index < reply.audio.length) {
          const data = reply.audio[index++]!;
          yield { data, timestampMs: this.call.nowMs() };
        }
        if (reply.error !== undefined) throw reply.error;
        if (reply.finished) return;
        if (signal?.aborted) {
          reply.cancelled = true;
          this.finish(reply, "interrupted", this.playedMs(reply, this.call.wallNowMs()));
          throw new RunCancelledError();
        }
        await reply.changed();
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }
}

/** Words in a transcript: runs of non-space characters with a letter or digit in them. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
}
