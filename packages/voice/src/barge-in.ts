import type { InterruptOptions, InterruptOutcome } from "@scenario/spec";
import { delay } from "./call-clock";
import type { PendingReply } from "./pending-reply";
import type { ReplyControl } from "./reply-control";

// Barge-in: the caller cuts the agent's reply (an `interrupt()` step, or a user simulator's plan).
// The driver stops accepting the reply's audio at once, cuts it to what the caller heard, marks the
// segment truncated, records the `user-interrupt` event, tells the transport, and measures the
// interrupt response time: how long the far side took to stop. How it is measured depends on
// `capabilities.bargeIn`:
// - "native" and "emulated": from the interrupt to the transport's `reply-end` (not measured for a
//   transport without `capabilities.replyEnd`);
// - "on-user-speech": the far side only learns of the barge-in by hearing the caller, so from the
//   caller's first frame after the interrupt to `reply-end`, or to the agent's last audio frame when
//   no `reply-end` comes in time (`userSpokeOverReply()`).

/** Stops the reply; a second barge-in on the same reply shares the first one's outcome. */
export function bargeIn(control: ReplyControl, reply: PendingReply): Promise<InterruptOutcome> {
  if (reply.bargeIn !== undefined) return reply.bargeIn;
  reply.bargeIn = performBargeIn(control, reply);
  return reply.bargeIn;
}

async function performBargeIn(control: ReplyControl, reply: PendingReply): Promise<InterruptOutcome> {
  const call = control.call;
  // Cancel what was asked for, not a request still on its way.
  await reply.requested;
  if (reply.cancelled || reply.finished) return nothingToInterrupt(control);
  const interruptedAtWallMs = call.wallNowMs();
  const spoke = reply.firstAudioAtWallMs !== undefined;
  const outcome: InterruptOutcome = spoke ? "fired-after-speech" : "fired-before-speech";
  let playedMs = control.playedMs(reply, interruptedAtWallMs);
  if (reply.interruptAfterMs !== undefined) playedMs = Math.min(playedMs, reply.interruptAfterMs);
  const receivedMs = reply.acceptedMs;
  const replyDelivered = reply.transportEnded;
  const mode = call.capabilities.bargeIn;
  reply.cancelled = true;
  const atMs = spoke ? reply.segmentStartMs + playedMs : Math.max(call.nowMs(), call.userAudioEndsAtMs);
  const event = call.recorder.addEvent({
    type: "user-interrupt",
    atMs,
    outcome,
    details: { playedMs: Math.round(playedMs), native: mode === "native", bargeIn: mode, replyDelivered },
  });
  control.finish(reply, "interrupted", playedMs);
  await call.transport.interrupt({ reason: "barge-in", playedMs, receivedMs, replyDelivered });
  if (replyDelivered) {
    // Everything had arrived: the agent stopped the moment playback did.
    call.recorder.recordInterruptResponse(Math.max(0, call.wallNowMs() - interruptedAtWallMs), event);
    return outcome;
  }
  if (mode === "on-user-speech") {
    // Timed from the caller's first frame; the caller's audio must not wait for the stop.
    reply.awaitingUserSpeech = true;
    reply.interruptEvent = event;
    return outcome;
  }
  // A transport that never says a reply ended cannot confirm the stop: nothing to wait for.
  if (!call.capabilities.replyEnd) return outcome;
  const stoppedAt = await Promise.race([
    reply.transportEndedSignal,
    delay(call.timings.interruptTimeoutMs).then(() => undefined),
  ]);
  if (stoppedAt !== undefined) {
    call.recorder.recordInterruptResponse(Math.max(0, stoppedAt - interruptedAtWallMs), event);
  }
  return outcome;
}

/**
 * The caller's audio went out while a reply cut by an "on-user-speech" barge-in may still be
 * playing on the far side: starts timing how long the far side takes to stop.
 */
export function userSpokeOverReply(control: ReplyControl): void {
  const reply = control.reply;
  if (reply === undefined || !reply.awaitingUserSpeech) return;
  reply.awaitingUserSpeech = false;
  const call = control.call;
  const recorder = call.recorder;
  const spokeAtWallMs = call.wallNowMs();
  if (reply.transportEnded) {
    recorder.recordInterruptResponse(0, reply.interruptEvent);
    return;
  }
  let recorded = false;
  const record = (stoppedAtWallMs: number | undefined) => {
    if (recorded) return;
    recorded = true;
    if (control.settleInterruptResponse === settle) control.settleInterruptResponse = undefined;
    // Without a confirmation, the agent stopped with its last frame.
    const endAt = stoppedAtWallMs ?? reply.lastAudioAtWallMs ?? spokeAtWallMs;
    // The call may have ended (and a new recording begun) meanwhile: record into this call's.
    recorder.recordInterruptResponse(Math.max(0, endAt - spokeAtWallMs), reply.interruptEvent);
    reply.markTransportEnded(call.wallNowMs());
  };
  const settle = () => record(undefined);
  // collectArtifacts() settles it early, so a call that ends within the timeout keeps the measure.
  control.settleInterruptResponse = settle;
  void Promise.race([
    reply.transportEndedSignal,
    delay(call.timings.interruptTimeoutMs).then(() => undefined),
  ]).then(record);
}

/** Records a barge-in that found no reply to stop. */
export function nothingToInterrupt(control: ReplyControl): InterruptOutcome {
  control.call.recorder.addEvent({
    type: "user-interrupt",
    atMs: control.call.nowMs(),
    outcome: "nothing-to-interrupt",
  });
  return "nothing-to-interrupt";
}

/**
 * Barges in at the point `options` names (`afterMs` of the reply's audio, or `afterWords` of its
 * streamed transcript) and resolves with the outcome; `"reply-ended-first"` when the reply ends
 * before that point. Bounded by the reply's own end: its timers (first audio, silence tail, length
 * limit), the transport's end of reply, a failure or the end of the call.
 */
export async function plannedBargeIn(
  control: ReplyControl,
  reply: PendingReply,
  options: InterruptOptions,
): Promise<InterruptOutcome> {
  if (options.afterMs !== undefined) control.setPlannedInterruption(reply, options.afterMs);
  else if (options.afterWords !== undefined) control.setPlannedWordInterruption(reply, options.afterWords);
  while (reply.bargeIn === undefined && !reply.finished) await reply.changed();
  if (reply.bargeIn !== undefined) return reply.bargeIn;
  // A failed reply was not heard to its end: the turn reports the failure itself.
  if (reply.error !== undefined) return nothingToInterrupt(control);
  const call = control.call;
  call.recorder.addEvent({
    type: "user-interrupt",
    atMs: reply.segment === undefined ? call.nowMs() : reply.segmentStartMs + reply.acceptedMs,
    outcome: "reply-ended-first",
    details: { ...options, playedMs: Math.round(reply.acceptedMs) },
  });
  return "reply-ended-first";
}
