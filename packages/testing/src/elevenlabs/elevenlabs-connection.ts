import { randomUUID } from "node:crypto";
import { concatPcm, fromWireAudio, rmsEnergy } from "@scenario/voice";
import type { WebSocket } from "ws";
import { decodeBase64 } from "../realtime/pcm";
import { isRecord } from "../shared/checks";
import { ChunkEnergyVad } from "../shared/chunk-energy-vad";
import { bytesPerMs, elevenLabsAudioFormat } from "./elevenlabs-audio-format";
import { type ActiveReply, type PendingTurn, runReply } from "./elevenlabs-reply";
import type { ElevenLabsServerContext } from "./elevenlabs-server-context";
import type {
  ElevenLabsConnectionRecord,
  ElevenLabsFrameRecord,
  ElevenLabsMessage,
  ElevenLabsReplyOutcome,
  ElevenLabsReplyRecord,
  ElevenLabsTurnRecord,
} from "./elevenlabs-types";

/** Caller audio kept from before the speech started, so a turn does not begin mid-word. */
const PREFIX_PADDING_MS = 300;

/** The agent side of one conversation: the caller's stream, the agent's turns and replies. */
export class ElevenLabsConnection {
  private phase: "awaiting-initiation" | "open" = "awaiting-initiation";
  private readonly vad: ChunkEnergyVad;
  /** Caller chunks since the last turn ended. */
  private callerChunks: Uint8Array[] = [];
  private turnIsBargeIn = false;
  private readonly queue: PendingTurn[] = [];
  private active: ActiveReply | undefined;
  private replyCount = 0;
  /** The last `event_id` handed out: replies, interruptions and pings count up together. */
  private eventId = 0;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  /** Wakes a reply waiting for tool results. */
  private toolWaiter: (() => void) | undefined;
  private closed = false;

  constructor(
    readonly id: number,
    private readonly socket: WebSocket,
    private readonly server: ElevenLabsServerContext,
    private readonly record: ElevenLabsConnectionRecord,
  ) {
    this.vad = new ChunkEnergyVad(server.vad);
  }

  /** Handles one text frame from the client. */
  handleText(text: string): void {
    let message: ElevenLabsMessage;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isRecord(parsed)) throw new Error("not an object");
      message = parsed;
    } catch {
      this.server.log(this.frame("received", "(invalid)", { raw: text.slice(0, 2000) }));
      this.violate("a frame that is not a JSON object");
      return;
    }
    const type = "user_audio_chunk" in message ? "user_audio_chunk" : String(message.type);
    this.server.log(this.frame("received", type, message));
    if (this.phase === "awaiting-initiation" && type !== "conversation_initiation_client_data") {
      this.violate(`'${type}' before conversation_initiation_client_data`);
      return;
    }
    switch (type) {
      case "conversation_initiation_client_data":
        this.onInitiation(message);
        return;
      case "user_audio_chunk":
        this.onAudioChunk(message.user_audio_chunk);
        return;
      case "pong":
        this.onPong(message);
        return;
      case "client_tool_result":
        this.onToolResult(message);
        return;
      case "user_message":
        this.onUserMessage(message);
        return;
      case "contextual_update":
        if (typeof message.text === "string") this.record.contextualUpdates.push(message.text);
        else this.violate("'contextual_update' without a string `text`");
        return;
      case "user_activity":
        return;
      default:
        this.violate(`unknown message type '${type}'`);
    }
  }

  /** Handles one binary frame: every message of the protocol is JSON text. */
  handleBinary(): void {
    this.server.log(this.frame("received", "(invalid)", { raw: "(binary frame)" }));
    this.violate("a binary frame (the protocol's messages are JSON text)");
  }

  /** Stops all work when the socket closes (either side). */
  handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
    this.queue.length = 0;
    this.endActive("connection-closed");
  }

  // --- The client's messages ---

  private onInitiation(message: ElevenLabsMessage): void {
    if (this.phase !== "awaiting-initiation") {
      this.violate("a second conversation_initiation_client_data");
      return;
    }
    const initiation: ElevenLabsConnectionRecord["initiation"] = {};
    const fields = [
      ["conversation_config_override", "conversationConfigOverride"],
      ["dynamic_variables", "dynamicVariables"],
      ["custom_llm_extra_body", "customLlmExtraBody"],
    ] as const;
    for (const [wire, name] of fields) {
      const value = message[wire];
      if (value === undefined) continue;
      if (isRecord(value)) initiation[name] = value;
      else this.violate(`conversation_initiation_client_data.${wire} is not an object`);
    }
    this.record.initiation = initiation;
    this.phase = "open";
    this.send({
      type: "conversation_initiation_metadata",
      conversation_initiation_metadata_event: {
        conversation_id: this.record.conversationId,
        agent_output_audio_format: this.server.outputFormat,
        user_input_audio_format: this.server.inputFormat,
      },
    });
    if (this.server.pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => this.ping(), this.server.pingIntervalMs);
      this.pingTimer.unref?.();
    }
    const agent = initiation.conversationConfigOverride?.agent;
    const override = isRecord(agent) ? agent.first_message : undefined;
    const firstMessage = typeof override === "string" ? { transcript: override } : this.server.firstMessage;
    // An empty first message is ElevenLabs' way of saying the agent waits for the caller.
    if (firstMessage !== undefined && firstMessage.transcript !== "") {
      this.enqueue({
        trigger: "first-message",
        audio: new Uint8Array(0),
        thinkFromMs: this.server.clock(),
        reply: firstMessage,
      });
    }
  }

  private onAudioChunk(payload: unknown): void {
    const audio = typeof payload === "string" ? decodeBase64(payload) : undefined;
    const format = elevenLabsAudioFormat(this.server.inputFormat)!;
    if (audio === undefined || (format.encoding === "pcm16" && audio.byteLength % 2 !== 0)) {
      this.violate(`'user_audio_chunk' that is not base64 ${this.server.inputFormat} audio`);
      return;
    }
    if (audio.byteLength === 0) return;
    this.hear(audio, rmsEnergy(fromWireAudio(audio, format)));
  }

  private onPong(message: ElevenLabsMessage): void {
    const ping = this.server.pings.find(
      (candidate) =>
        candidate.connectionId === this.id &&
        candidate.eventId === message.event_id &&
        candidate.pongAtMs === undefined,
    );
    if (ping === undefined) {
      this.violate(`'pong' with event_id ${JSON.stringify(message.event_id)} for no ping awaiting one`);
      return;
    }
    ping.pongAtMs = this.server.clock();
  }

  private onToolResult(message: ElevenLabsMessage): void {
    const call = this.server.toolCalls.find(
      (candidate) => candidate.connectionId === this.id && candidate.toolCallId === message.tool_call_id,
    );
    if (call === undefined || call.resultAtMs !== undefined) {
      this.violate(
        `'client_tool_result' for ${JSON.stringify(message.tool_call_id)}, which is no call awaiting a result`,
      );
      return;
    }
    if (typeof message.is_error !== "boolean")
      this.violate("'client_tool_result' without a boolean `is_error`");
    call.result = message.result;
    call.isError = message.is_error === true;
    call.resultAtMs = this.server.clock();
    this.toolWaiter?.();
  }

  private onUserMessage(message: ElevenLabsMessage): void {
    if (typeof message.text !== "string") {
      this.violate("'user_message' without a string `text`");
      return;
    }
    this.record.userMessages.push(message.text);
    this.enqueue({
      trigger: "text",
      audio: new Uint8Array(0),
      thinkFromMs: this.server.clock(),
      transcript: Promise.resolve(message.text),
    });
  }

  // --- Listening: VAD, turns, barge-in ---

  private hear(audio: Uint8Array, rms: number): void {
    const now = this.server.clock();
    this.callerChunks.push(audio);
    const chunkMs = audio.byteLength / bytesPerMs(this.server.inputFormat);
    const boundary = this.vad.push(rms, chunkMs, now);
    if (boundary === "speech_started") {
      // Keep the voiced run plus a little lead-in; older audio was silence between turns.
      let keepBytes = (this.vad.voicedRunMs + PREFIX_PADDING_MS) * bytesPerMs(this.server.inputFormat);
      const kept: Uint8Array[] = [];
      for (let index = this.callerChunks.length - 1; index >= 0 && keepBytes > 0; index--) {
        kept.unshift(this.callerChunks[index]!);
        keepBytes -= this.callerChunks[index]!.byteLength;
      }
      this.callerChunks = kept;
      this.turnIsBargeIn = this.isSpeaking();
      if (this.turnIsBargeIn && this.server.bargeIn) this.interrupt();
    } else if (boundary === "speech_stopped") {
      const turn: ElevenLabsTurnRecord = {
        index: this.server.turns.length,
        connectionId: this.id,
        audio: concatPcm(this.callerChunks),
        speechStartedAtMs: this.vad.speechStartedAtMs,
        speechEndedAtMs: this.vad.lastVoicedAtMs,
        bargeIn: this.turnIsBargeIn,
      };
      this.callerChunks = [];
      this.server.turns.push(turn);
      this.enqueue({
        trigger: "speech",
        audio: turn.audio,
        thinkFromMs: turn.speechEndedAtMs,
        transcript: this.transcribe(turn),
      });
    }
  }

  private async transcribe(turn: ElevenLabsTurnRecord): Promise<string | undefined> {
    if (this.server.transcribe === undefined) return undefined;
    try {
      const transcript = await this.server.transcribe(turn.audio);
      if (transcript !== undefined) turn.transcript = transcript;
      return transcript;
    } catch {
      return undefined;
    }
  }

  /** Speaking: a reply has sent audio and is not over. */
  private isSpeaking(): boolean {
    return this.active?.record.firstChunkAtMs !== undefined;
  }

  /**
   * The caller talked over the agent: `interruption` with a new event id (audio below it belongs to
   * the cut reply), the correction of what was heard, then the audio already in flight.
   */
  private interrupt(): void {
    const active = this.active;
    if (active === undefined) return;
    const eventId = ++this.eventId;
    this.send({ type: "interruption", interruption_event: { event_id: eventId } });
    const { record } = active;
    const original = record.transcript ?? "";
    const words = original.split(/\s+/).filter((word) => word !== "");
    const heardShare =
      record.audio === undefined ? 0 : record.sentBytes / Math.max(1, record.audio.byteLength);
    const corrected = words.slice(0, Math.floor(words.length * heardShare)).join(" ");
    this.send({
      type: "agent_response_correction",
      agent_response_correction_event: {
        original_agent_response: original,
        corrected_agent_response: corrected,
      },
    });
    this.server.interruptions.push({
      connectionId: this.id,
      replyIndex: record.index,
      eventId,
      atMs: this.server.clock(),
      correctedTranscript: corrected,
    });
    this.endActive("interrupted", active);
    active.sendLateAudio?.(this.server.lateAudioChunks);
  }

  private ping(): void {
    if (this.closed) return;
    const eventId = ++this.eventId;
    this.server.pings.push({ connectionId: this.id, eventId, sentAtMs: this.server.clock() });
    this.send({ type: "ping", ping_event: { event_id: eventId, ping_ms: null } });
  }

  // --- Speaking: replies ---

  private enqueue(turn: PendingTurn): void {
    if (this.closed) return;
    this.queue.push(turn);
    if (this.active === undefined) this.startNext();
  }

  private startNext(): void {
    const turn = this.queue.shift();
    if (turn === undefined || this.closed) return;
    const record: ElevenLabsReplyRecord = {
      index: this.server.replies.length,
      connectionId: this.id,
      turnIndex: this.replyCount++,
      trigger: turn.trigger,
      eventId: ++this.eventId,
      thinkFromMs: turn.thinkFromMs,
      outcome: "in_progress",
      sentBytes: 0,
      chunkCount: 0,
    };
    this.server.replies.push(record);
    const active: ActiveReply = { record, ended: false };
    this.active = active;
    runReply(active, turn, {
      server: this.server,
      connectionId: this.id,
      initiation: this.record.initiation,
      send: (message, options) => this.send(message, options),
      sendRaw: (text) => {
        this.server.log(this.frame("sent", "(invalid)", { raw: text }));
        if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
      },
      close: (code, abrupt) => {
        if (abrupt) this.socket.terminate();
        else this.socket.close(code, "fake agent fault");
      },
      end: (outcome) => this.endActive(outcome, active),
      newToolCallId: () => `toolu_${randomUUID().replaceAll("-", "").slice(0, 24)}`,
      setToolWaiter: (waiter) => {
        this.toolWaiter = waiter;
      },
    }).catch((error: unknown) => {
      // A failing policy or speech source: the agent says nothing, as a crashed handler would.
      record.error = error instanceof Error ? error.message : String(error);
      this.endActive("silent", active);
    });
  }

  private endActive(outcome: ElevenLabsReplyOutcome, which: ActiveReply | undefined = this.active): void {
    if (which === undefined || which.ended) return;
    which.ended = true;
    which.record.outcome = outcome;
    which.record.endedAtMs = this.server.clock();
    if (which.timer !== undefined) clearTimeout(which.timer);
    which.wake?.();
    this.toolWaiter?.();
    this.server.changed();
    if (this.active === which) {
      this.active = undefined;
      this.startNext();
    }
  }

  // --- Wire ---

  private send(message: ElevenLabsMessage, options: { late?: boolean } = {}): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    const record = this.frame("sent", String(message.type), message);
    if (options.late) record.late = true;
    this.server.log(record);
    this.socket.send(JSON.stringify(message));
  }

  private violate(message: string): void {
    this.server.violation(this.id, message);
  }

  private frame(
    direction: "received" | "sent",
    type: string,
    message: ElevenLabsMessage,
  ): ElevenLabsFrameRecord {
    return { direction, connectionId: this.id, atMs: this.server.clock(), type, message };
  }
}
