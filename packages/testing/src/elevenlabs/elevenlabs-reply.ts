import { pcmToBase64 } from "@scenario/voice";
import { type Sleeper, sleepUntil } from "../shared/interruptible-sleep";
import { bytesPerMs } from "./elevenlabs-audio-format";
import type { ElevenLabsServerContext } from "./elevenlabs-server-context";
import type {
  ElevenLabsFault,
  ElevenLabsInitiation,
  ElevenLabsMessage,
  ElevenLabsReply,
  ElevenLabsReplyContext,
  ElevenLabsReplyOutcome,
  ElevenLabsReplyRecord,
  ElevenLabsToolCallRecord,
} from "./elevenlabs-types";

/** A caller's turn waiting for its reply. */
export interface PendingTurn {
  trigger: ElevenLabsReplyContext["trigger"];
  /** The turn's audio in the input format (empty for text and the first message). */
  audio: Uint8Array;
  thinkFromMs: number;
  /** What the agent understood of the turn, once known. */
  transcript?: Promise<string | undefined>;
  /** The reply to speak instead of asking the policy (the first message). */
  reply?: ElevenLabsReply;
}

/** A reply in progress; `ended` once it completed, was interrupted, faulted or its connection closed. */
export interface ActiveReply extends Sleeper {
  record: ElevenLabsReplyRecord;
  ended: boolean;
  /** Sends up to this many more chunks of the reply with its old event id: audio already in flight. */
  sendLateAudio?: (chunks: number) => void;
}

/** What running a reply needs from its connection. */
export interface ReplyWire {
  server: ElevenLabsServerContext;
  connectionId: number;
  initiation: ElevenLabsInitiation | undefined;
  send(message: ElevenLabsMessage, options?: { late?: boolean }): void;
  sendRaw(text: string): void;
  close(code: number, abrupt: boolean): void;
  end(outcome: ElevenLabsReplyOutcome): void;
  newToolCallId(): string;
  /** Registers the function a tool result (or the reply's end) calls. */
  setToolWaiter(waiter: (() => void) | undefined): void;
}

/**
 * Runs one reply: tells the caller what it understood (`user_transcript`), asks the policy, waits
 * out the think time, calls client tools and waits for their results, then sends `agent_response`
 * and the audio in `audio` events paced by `paceFactor`, acting out a fault where it falls.
 */
export async function runReply(active: ActiveReply, turn: PendingTurn, wire: ReplyWire): Promise<void> {
  const { record } = active;
  const { server } = wire;
  const isOver = () => active.ended;
  const transcript = await turn.transcript;
  if (active.ended) return;
  if (turn.trigger === "speech" && transcript !== undefined && transcript !== "") {
    wire.send({ type: "user_transcript", user_transcription_event: { user_transcript: transcript } });
  }
  const context: ElevenLabsReplyContext = {
    callerAudio: turn.audio,
    trigger: turn.trigger,
    turnIndex: record.turnIndex,
    connectionId: wire.connectionId,
  };
  if (transcript !== undefined && transcript !== "") context.callerTranscript = transcript;
  if (wire.initiation !== undefined) context.initiation = wire.initiation;
  const reply = turn.reply ?? (await server.reply(context));
  if (active.ended) return;
  const fault = server.takeFault() ?? reply.fault;
  if (fault !== undefined) record.fault = fault;
  const thinkTimeMs = reply.thinkTimeMs ?? server.thinkTimeMs;
  if (!(await sleepUntil(active, isOver, server.clock, turn.thinkFromMs + thinkTimeMs))) return;

  let words = reply.transcript;
  let audio = reply.audio;
  if (reply.toolCalls !== undefined && reply.toolCalls.length > 0) {
    const results = await callTools(active, reply, wire);
    if (results === undefined) return;
    if (reply.afterTools !== undefined) {
      words = reply.afterTools(results);
      audio = undefined;
    }
  }
  audio ??= await server.speech(words);
  if (active.ended) return;
  record.transcript = words;
  record.audio = audio;
  wire.send({ type: "agent_response", agent_response_event: { agent_response: words } });
  await streamAudio(active, audio, fault, wire);
}

/** Sends the reply's client tool calls and waits for every result; undefined when none came in time. */
async function callTools(
  active: ActiveReply,
  reply: ElevenLabsReply,
  wire: ReplyWire,
): Promise<ElevenLabsToolCallRecord[] | undefined> {
  const { server } = wire;
  const calls: ElevenLabsToolCallRecord[] = [];
  for (const plan of reply.toolCalls ?? []) {
    const call: ElevenLabsToolCallRecord = {
      connectionId: wire.connectionId,
      toolCallId: plan.toolCallId ?? wire.newToolCallId(),
      toolName: plan.toolName,
      parameters: plan.parameters ?? {},
      calledAtMs: server.clock(),
    };
    server.toolCalls.push(call);
    calls.push(call);
    wire.send({
      type: "client_tool_call",
      client_tool_call: {
        tool_name: call.toolName,
        tool_call_id: call.toolCallId,
        parameters: call.parameters,
      },
    });
  }
  const answered = await new Promise<boolean>((resolve) => {
    const check = () => {
      const done = calls.every((call) => call.resultAtMs !== undefined);
      if (!done && !active.ended) return;
      clearTimeout(timer);
      wire.setToolWaiter(undefined);
      resolve(done && !active.ended);
    };
    const timer = setTimeout(() => {
      wire.setToolWaiter(undefined);
      resolve(false);
    }, server.toolResultTimeoutMs);
    timer.unref?.();
    wire.setToolWaiter(check);
    check();
  });
  if (answered) return calls;
  if (!active.ended) {
    const missing = calls.filter((call) => call.resultAtMs === undefined).map((call) => call.toolCallId);
    active.record.error = `no client_tool_result for ${missing.join(", ")} within ${server.toolResultTimeoutMs} ms`;
    wire.end("silent");
  }
  return undefined;
}

/** Sends the audio in `chunkMs` events, paced from the first, stopping as soon as the reply ends. */
async function streamAudio(
  active: ActiveReply,
  audio: Uint8Array,
  fault: ElevenLabsFault | undefined,
  wire: ReplyWire,
): Promise<void> {
  const { record } = active;
  const { server } = wire;
  const chunkBytes = Math.max(2, Math.round((server.chunkMs * bytesPerMs(server.outputFormat)) / 2) * 2);
  const chunkCount = Math.ceil(audio.byteLength / chunkBytes);
  const chunkAt = (index: number) => audio.subarray(index * chunkBytes, (index + 1) * chunkBytes);
  const audioEvent = (chunk: Uint8Array) => ({
    type: "audio",
    audio_event: { audio_base_64: pcmToBase64(chunk), event_id: record.eventId },
  });
  let next = 0;
  active.sendLateAudio = (late) => {
    for (let sent = 0; sent < late && next < chunkCount; sent++)
      wire.send(audioEvent(chunkAt(next++)), { late: true });
  };
  const intervalMs = Number.isFinite(server.paceFactor) ? server.chunkMs / server.paceFactor : 0;
  const firstAt = server.clock();
  const faultAt = fault === undefined ? -1 : (fault.afterChunks ?? 0);
  const isOver = () => active.ended;
  for (; next <= chunkCount; ) {
    if (next === faultAt && fault !== undefined) {
      actOut(fault, wire);
      return;
    }
    if (next === chunkCount) break;
    if (
      next > 0 &&
      intervalMs > 0 &&
      !(await sleepUntil(active, isOver, server.clock, firstAt + next * intervalMs))
    ) {
      return;
    }
    if (active.ended) return;
    const chunk = chunkAt(next++);
    if (record.firstChunkAtMs === undefined) record.firstChunkAtMs = server.clock();
    record.chunkCount++;
    record.sentBytes += chunk.byteLength;
    wire.send(audioEvent(chunk));
  }
  wire.end("completed");
}

function actOut(fault: ElevenLabsFault, wire: ReplyWire): void {
  switch (fault.type) {
    case "close":
      wire.end("connection-closed");
      wire.close(fault.code ?? 1011, fault.abrupt === true);
      return;
    case "malformed":
      wire.sendRaw(fault.text ?? '{"type": "audio", "audio_event": ');
      wire.end("malformed");
      return;
    case "silence":
      wire.end("silent");
      return;
  }
}
