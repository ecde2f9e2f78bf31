import {
  type JSONValue,
  ScenarioError,
  type VoiceAgentAudioEvent,
  VoiceServerError,
  VoiceStreamEndedError,
  type VoiceToolCallEvent,
  type VoiceToolResultEvent,
  type VoiceTranscriptEvent,
  type VoiceTransportEvent,
} from "@scenario/spec";
import { pcmByteLength } from "./pcm";
import type { ReplyControl } from "./reply-control";
import { fromWireAudio, isScenarioAudioFormat } from "./wire-audio";

// What a transport reports, applied to the call: audio and transcripts to the reply in flight (or
// a reply the agent started by itself), tool activity and far-side signals to the timeline, the
// end of a reply, errors and closes to the turn waiting for them.

/** Applies one transport event. `endUserSpeech` closes the caller's segment when the agent starts. */
export function applyTransportEvent(
  control: ReplyControl,
  event: VoiceTransportEvent,
  endUserSpeech: () => void,
): void {
  const call = control.call;
  switch (event.type) {
    case "agent-audio":
      onAgentAudio(control, event, endUserSpeech);
      return;
    case "transcript":
      onTranscript(control, event);
      return;
    case "speech-started":
    case "speech-stopped":
      call.recorder.addEvent({
        type: event.type === "speech-started" ? "far-side-speech-started" : "far-side-speech-stopped",
        atMs: call.nowMs(),
        details: { speaker: event.speaker },
      });
      return;
    case "tool-call":
      onToolCall(control, event);
      return;
    case "tool-result":
      onToolResult(control, event);
      return;
    case "mark":
      call.recorder.addEvent({ type: "mark", atMs: call.nowMs(), details: { name: event.name } });
      return;
    case "reply-end":
      onReplyEnd(control);
      return;
    case "error":
      control.failInFlight(
        ScenarioError.isInstance(event.cause)
          ? event.cause
          : new VoiceServerError(
              event.message,
              event.cause === undefined ? undefined : { cause: event.cause },
            ),
      );
      return;
    case "closed":
      onClosed(control, event.detail);
      return;
    default:
      return;
  }
}

function onAgentAudio(control: ReplyControl, event: VoiceAgentAudioEvent, endUserSpeech: () => void): void {
  if (event.data.byteLength === 0) return;
  const call = control.call;
  const now = call.wallNowMs();
  const latest = control.reply;
  // A cut reply's audio still times when the far side stopped talking.
  if (latest?.cancelled && !latest.transportEnded) latest.lastAudioAtWallMs = now;
  const reply = control.forIncoming();
  if (reply === undefined || reply.cancelled || reply.finished) return;
  const format = event.format ?? call.capabilities.outputAudioFormat;
  const native = isScenarioAudioFormat(format);
  const pcm = native ? event.data : fromWireAudio(event.data, format);
  reply.lastAudioAtWallMs = now;
  reply.lastActivityAtWallMs = now;
  if (reply.firstAudioAtWallMs === undefined) control.startAgentSegment(reply, now, endUserSpeech);
  // A reply's audio stops at the length limit and, when audio counts as heard on arrival, at a
  // planned barge-in: the caller never hears what lies beyond.
  const plannedCut =
    call.playback === "instant" &&
    reply.interruptAfterMs !== undefined &&
    reply.interruptAfterMs <= reply.maxReplyMs;
  const limitMs = plannedCut ? reply.interruptAfterMs! : reply.maxReplyMs;
  const room = Math.max(0, pcmByteLength(limitMs) - reply.acceptedBytes);
  reply.accept(pcm, native ? undefined : { data: event.data, format }, room);
  reply.notify();
  if (pcm.byteLength >= room) {
    if (plannedCut) void control.bargeIn(reply).catch((error: unknown) => call.rememberError(error));
    else void control.cutAtMaxLength(reply);
    return;
  }
  control.checkPlannedInterruption(reply);
  control.armSilenceTail(reply);
}

function onTranscript(control: ReplyControl, event: VoiceTranscriptEvent): void {
  const call = control.call;
  if (event.speaker === "user") {
    if (event.isFinal && event.text.trim() !== "") {
      call.recorder.addEvent({ type: "user-transcript", atMs: call.nowMs(), details: { text: event.text } });
    }
    return;
  }
  if (event.isFinal) {
    // The whole reply's words: they belong to the latest reply, even one a silence tail ended.
    const reply = control.reply;
    if (reply === undefined || reply.cancelled || reply.transportEnded) return;
    reply.finalTranscript = event.text;
    return;
  }
  const reply = control.forIncoming();
  if (reply === undefined || reply.cancelled || reply.finished) return;
  reply.transcript += event.text;
  control.touch(reply);
  control.checkPlannedWords(reply);
}

function onToolCall(control: ReplyControl, call: VoiceToolCallEvent): void {
  control.call.recorder.addEvent({
    type: "tool-call",
    atMs: control.call.nowMs(),
    toolName: call.toolName,
    details: { callId: call.callId, input: toJsonValue(call.input) },
  });
  const reply = control.forIncoming();
  if (reply === undefined || reply.finished) return;
  reply.toolCalls.push({
    type: "tool-call",
    toolCallId: call.callId,
    toolName: call.toolName,
    input: call.input,
  });
  control.touch(reply);
}

function onToolResult(control: ReplyControl, result: VoiceToolResultEvent): void {
  const output = toJsonValue(result.output);
  control.call.recorder.addEvent({
    type: "tool-result",
    atMs: control.call.nowMs(),
    toolName: result.toolName,
    details: { callId: result.callId, output, ...(result.isError && { isError: true }) },
  });
  const reply = control.forIncoming();
  if (reply === undefined || reply.finished) return;
  reply.toolResults.push({
    type: "tool-result",
    toolCallId: result.callId,
    toolName: result.toolName,
    output: result.isError ? { type: "error-json", value: output } : { type: "json", value: output },
  });
  control.touch(reply);
}

/** The reply is over (for a cut reply: the far side confirms it stopped). */
function onReplyEnd(control: ReplyControl): void {
  const reply = control.reply;
  if (reply === undefined || reply.transportEnded) return;
  reply.markTransportEnded(control.call.wallNowMs());
  if (reply.finished) return;
  control.finishWhenPlayed(reply, "completed");
}

function onClosed(control: ReplyControl, detail: string): void {
  const call = control.call;
  call.connected = false;
  const reply = control.reply;
  const midReply = reply !== undefined && !reply.finished && !reply.cancelled;
  const heard = midReply ? ` after ${Math.round(reply.acceptedMs)} ms of reply audio` : "";
  const error = new VoiceStreamEndedError(
    `The connection to the voice agent closed${midReply ? " in the middle of a reply" : ""}${heard} (${detail}). ` +
      "The call cannot go on: check the agent server (its logs, its limits) and the network.",
  );
  if (reply?.cancelled && !reply.transportEnded) reply.markTransportEnded(call.wallNowMs());
  control.failInFlight(error);
}

function toJsonValue(value: unknown): JSONValue {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value)) as JSONValue;
  } catch {
    return String(value);
  }
}
