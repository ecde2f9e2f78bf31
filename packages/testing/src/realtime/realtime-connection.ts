import { concatPcm, pcmByteLength, pcmDurationMsOfBytes, pcmToBase64 } from "@scenario/voice";
import type { WebSocket } from "ws";
import { estimateTokens } from "../openai/estimate-tokens";
import { isRecord } from "../shared/checks";
import { sleepUntil } from "../shared/interruptible-sleep";
import { splitChunks } from "../shared/split-chunks";
import { EnergyVad, type EnergyVadOptions } from "./energy-vad";
import { decodeBase64 } from "./pcm";
import type {
  RealtimeCancelRecord,
  RealtimeEvent,
  RealtimeFault,
  RealtimeFrameRecord,
  RealtimeReply,
  RealtimeReplyContext,
  RealtimeResponseRecord,
  RealtimeSession,
  RealtimeTruncateRecord,
  RealtimeTurnRecord,
} from "./realtime-types";

/** What every connection shares with its server: settings, the reply policy and the logs. */
export interface RealtimeServerContext {
  clock: () => number;
  thinkTimeMs: number;
  paceFactor: number;
  chunkMs: number;
  model: string;
  turnDetection: "server_vad" | null;
  vad: Required<EnergyVadOptions>;
  reply(context: RealtimeReplyContext): Promise<RealtimeReply>;
  speech(transcript: string): Promise<Uint8Array>;
  transcribe?: (audio: Uint8Array) => string | undefined | Promise<string | undefined>;
  takeFault(): RealtimeFault | undefined;
  log(record: RealtimeFrameRecord): void;
  nextId(prefix: string): string;
  turns: RealtimeTurnRecord[];
  responses: RealtimeResponseRecord[];
  cancels: RealtimeCancelRecord[];
  truncates: RealtimeTruncateRecord[];
  countResponseCreate(): void;
}

interface ActiveResponse {
  record: RealtimeResponseRecord;
  cancelled: boolean;
  createdSent: boolean;
  wake?: () => void;
  timer?: ReturnType<typeof setTimeout>;
}

interface PendingUserInput {
  audio: Uint8Array[];
  transcripts: Array<Promise<string | undefined>>;
}

const SERVER_ERROR_MESSAGE = "The server had an error while processing your request.";

/** Plain objects merge key by key; anything else (arrays, null, scalars) replaces. */
function mergeSession(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (isRecord(value) && isRecord(current)) {
      mergeSession(current, value);
    } else {
      target[key] = structuredClone(value);
    }
  }
}

// Beta-era session fields the GA API rejects as unknown parameters.
const BETA_SESSION_FIELDS = [
  "modalities",
  "input_audio_format",
  "output_audio_format",
  "turn_detection",
  "voice",
  "input_audio_transcription",
];

/** The protocol state of one client connection: session, input buffer, conversation, response. */
export class RealtimeConnection {
  private readonly session: RealtimeSession;
  private inputChunks: Uint8Array[] = [];
  private inputBytes = 0;
  /** Where the input buffer starts in all audio appended to the connection. */
  private bufferStartByte = 0;
  private pending: PendingUserInput = { audio: [], transcripts: [] };
  private lastItemId: string | null = null;
  /** The audio length of each assistant item, by item id (what a truncate may cut). */
  private readonly assistantAudioMs = new Map<string, number>();
  private active: ActiveResponse | undefined;
  private responseCount = 0;
  private vad: EnergyVad | undefined;
  private vadItemId: string | undefined;
  private vadOffset = 0;
  private closed = false;

  constructor(
    readonly id: number,
    private readonly socket: WebSocket,
    private readonly server: RealtimeServerContext,
    model: string,
  ) {
    this.session = {
      type: "realtime",
      object: "realtime.session",
      id: server.nextId("sess"),
      model,
      output_modalities: ["audio"],
      instructions: "",
      tools: [],
      tool_choice: "auto",
      max_output_tokens: "inf",
      tracing: null,
      truncation: "auto",
      prompt: null,
      include: null,
      audio: {
        input: {
          format: { type: "audio/pcm", rate: 24_000 },
          transcription: null,
          noise_reduction: null,
          turn_detection:
            server.turnDetection === "server_vad"
              ? {
                  type: "server_vad",
                  threshold: 0.5,
                  prefix_padding_ms: 300,
                  silence_duration_ms: server.vad.silenceDurationMs,
                  create_response: true,
                  interrupt_response: true,
                  idle_timeout_ms: null,
                }
              : null,
        },
        output: { format: { type: "audio/pcm", rate: 24_000 }, voice: "alloy", speed: 1 },
      },
    };
    this.configureVad();
    this.send({ type: "session.created", session: structuredClone(this.session) });
  }

  /** Handles one text frame from the client. */
  handleFrame(text: string): void {
    let event: RealtimeEvent;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isRecord(parsed) || typeof parsed.type !== "string") throw new Error("not an event");
      event = parsed as RealtimeEvent;
    } catch {
      this.server.log(this.frame("received", { type: "(invalid)", raw: text.slice(0, 2000) }));
      this.sendError(
        "invalid_request_error",
        "invalid_json",
        "The server could not parse the event as JSON.",
      );
      return;
    }
    this.server.log(this.frame("received", event));
    const clientEventId = typeof event.event_id === "string" ? event.event_id : undefined;
    switch (event.type) {
      case "session.update":
        this.updateSession(event, clientEventId);
        return;
      case "input_audio_buffer.append":
        this.append(event, clientEventId);
        return;
      case "input_audio_buffer.commit":
        this.commit(clientEventId);
        return;
      case "input_audio_buffer.clear":
        this.clearInput();
        return;
      case "conversation.item.create":
        this.createItem(event, clientEventId);
        return;
      case "conversation.item.truncate":
        this.truncate(event, clientEventId);
        return;
      case "response.create":
        this.server.countResponseCreate();
        this.startResponse("client", event.response, clientEventId);
        return;
      case "response.cancel":
        this.cancelFromClient(clientEventId);
        return;
      default:
        this.sendError(
          "invalid_request_error",
          "invalid_value",
          `Invalid value: '${event.type}'. This fake server supports session.update, input_audio_buffer.append/commit/clear, conversation.item.create/truncate, response.create and response.cancel.`,
          clientEventId,
          "type",
        );
    }
  }

  /** Handles one binary frame: the API takes JSON text only. */
  handleBinary(): void {
    this.server.log(this.frame("received", { type: "(invalid)", raw: "(binary frame)" }));
    this.sendError(
      "invalid_request_error",
      "invalid_json",
      "Binary frames are not supported; send JSON text.",
    );
  }

  /** Stops all work when the socket closes (either side). */
  handleClose(): void {
    this.closed = true;
    this.finishActive("connection-closed");
  }

  private updateSession(event: RealtimeEvent, clientEventId: string | undefined): void {
    const patch = event.session;
    if (!isRecord(patch)) {
      this.sendError(
        "invalid_request_error",
        "missing_required_parameter",
        "Missing required parameter: 'session'.",
        clientEventId,
        "session",
      );
      return;
    }
    if (patch.type === undefined) {
      this.sendError(
        "invalid_request_error",
        "missing_required_parameter",
        "Missing required parameter: 'session.type'.",
        clientEventId,
        "session.type",
      );
      return;
    }
    const betaField = BETA_SESSION_FIELDS.find((field) => field in patch);
    if (betaField !== undefined) {
      this.sendError(
        "invalid_request_error",
        "unknown_parameter",
        `Unknown parameter: 'session.${betaField}'.`,
        clientEventId,
        `session.${betaField}`,
      );
      return;
    }
    mergeSession(this.session, patch);
    this.configureVad();
    this.send({ type: "session.updated", session: structuredClone(this.session) });
  }

  private turnDetection(): Record<string, unknown> | undefined {
    const audio = this.session.audio;
    if (!isRecord(audio) || !isRecord(audio.input)) return undefined;
    const detection = audio.input.turn_detection;
    return isRecord(detection) ? detection : undefined;
  }

  private configureVad(): void {
    const detection = this.turnDetection();
    if (detection?.type !== "server_vad") {
      this.vad = undefined;
      return;
    }
    const silenceMs =
      typeof detection.silence_duration_ms === "number"
        ? detection.silence_duration_ms
        : this.server.vad.silenceDurationMs;
    if (this.vad === undefined) {
      this.vad = new EnergyVad(this.server.vad, silenceMs);
      // The VAD counts bytes from its creation; remember where that was in all appended audio.
      this.vadOffset = this.bufferStartByte + this.inputBytes;
    } else {
      this.vad.setSilenceDurationMs(silenceMs);
    }
  }

  private append(event: RealtimeEvent, clientEventId: string | undefined): void {
    const audio = typeof event.audio === "string" ? decodeBase64(event.audio) : undefined;
    if (audio === undefined) {
      this.sendError(
        "invalid_request_error",
        "invalid_value",
        "Invalid 'audio': expected base64-encoded PCM16 audio.",
        clientEventId,
        "audio",
      );
      return;
    }
    this.inputChunks.push(audio);
    this.inputBytes += audio.byteLength;
    if (this.vad === undefined) return;
    for (const boundary of this.vad.push(audio)) {
      const decidedAtByte = this.vadOffset + boundary.decidedAtByte;
      const audioMs = pcmDurationMsOfBytes(this.vadOffset) + boundary.audioMs;
      if (boundary.type === "speech_started") {
        this.vadItemId = this.server.nextId("item");
        this.send({
          type: "input_audio_buffer.speech_started",
          audio_start_ms: Math.round(audioMs),
          item_id: this.vadItemId,
        });
        const detection = this.turnDetection();
        if (this.active !== undefined && detection?.interrupt_response !== false) {
          this.cancelActive("turn_detected");
        }
      } else {
        const itemId = this.vadItemId ?? this.server.nextId("item");
        this.vadItemId = undefined;
        this.send({
          type: "input_audio_buffer.speech_stopped",
          audio_end_ms: Math.round(audioMs),
          item_id: itemId,
        });
        // Commit what was appended up to the decision; later bytes of this append start the next turn.
        this.commitUpTo(decidedAtByte, "server_vad", undefined, itemId);
        const detection = this.turnDetection();
        if (detection?.create_response !== false && this.active === undefined && !this.closed) {
          this.startResponse("server_vad", undefined, undefined);
        }
      }
    }
  }

  private commit(clientEventId: string | undefined): void {
    this.vad?.reset();
    const itemId = this.vadItemId ?? this.server.nextId("item");
    this.vadItemId = undefined;
    this.commitUpTo(this.bufferStartByte + this.inputBytes, "client", clientEventId, itemId);
  }

  private commitUpTo(
    endByte: number,
    committedBy: "client" | "server_vad",
    clientEventId: string | undefined,
    itemId: string,
  ): void {
    const take = Math.max(0, Math.min(this.inputBytes, endByte - this.bufferStartByte));
    if (take === 0) {
      this.sendError(
        "invalid_request_error",
        "input_audio_buffer_commit_empty",
        "Error committing input audio buffer: the buffer is empty. Append audio before committing.",
        clientEventId,
      );
      return;
    }
    const audio = this.takeInput(take);
    const previousItemId = this.lastItemId;
    this.lastItemId = itemId;
    const turn: RealtimeTurnRecord = {
      index: this.server.turns.length,
      connectionId: this.id,
      itemId,
      audio,
      committedAtMs: this.server.clock(),
      committedBy,
    };
    this.server.turns.push(turn);
    this.pending.audio.push(audio);
    this.pending.transcripts.push(this.transcribe(turn));
    this.send({ type: "input_audio_buffer.committed", previous_item_id: previousItemId, item_id: itemId });
    const item = {
      id: itemId,
      object: "realtime.item",
      type: "message",
      status: "completed",
      role: "user",
      content: [{ type: "input_audio", transcript: null }],
    };
    this.announceItem(item, previousItemId);
  }

  /**
   * Removes the first `byteCount` bytes from the input buffer and returns them. They are copied
   * once, as they leave in the turn log; what stays behind are views of the appended chunks.
   */
  private takeInput(byteCount: number): Uint8Array {
    const { taken, rest } = splitChunks(this.inputChunks, byteCount);
    this.inputChunks = rest;
    this.inputBytes -= byteCount;
    this.bufferStartByte += byteCount;
    return taken;
  }

  private async transcribe(turn: RealtimeTurnRecord): Promise<string | undefined> {
    if (this.server.transcribe === undefined) return undefined;
    try {
      const transcript = await this.server.transcribe(turn.audio);
      if (transcript === undefined) return undefined;
      turn.transcript = transcript;
      const audio = this.session.audio;
      const wanted = isRecord(audio) && isRecord(audio.input) && audio.input.transcription != null;
      if (wanted && !this.closed) {
        this.send({
          type: "conversation.item.input_audio_transcription.completed",
          item_id: turn.itemId,
          content_index: 0,
          transcript,
        });
      }
      return transcript;
    } catch {
      return undefined;
    }
  }

  /** Sends the GA item events, plus `conversation.item.created` that older clients listen for. */
  private announceItem(item: Record<string, unknown>, previousItemId: string | null): void {
    this.send({ type: "conversation.item.added", previous_item_id: previousItemId, item });
    this.send({ type: "conversation.item.created", previous_item_id: previousItemId, item });
    this.send({ type: "conversation.item.done", previous_item_id: previousItemId, item });
  }

  private clearInput(): void {
    this.bufferStartByte += this.inputBytes;
    this.inputChunks = [];
    this.inputBytes = 0;
    this.vad?.reset();
    this.send({ type: "input_audio_buffer.cleared" });
  }

  private createItem(event: RealtimeEvent, clientEventId: string | undefined): void {
    const item = event.item;
    if (!isRecord(item)) {
      this.sendError(
        "invalid_request_error",
        "missing_required_parameter",
        "Missing required parameter: 'item'.",
        clientEventId,
        "item",
      );
      return;
    }
    const itemId = typeof item.id === "string" ? item.id : this.server.nextId("item");
    const stored = { ...structuredClone(item), id: itemId, object: "realtime.item", status: "completed" };
    if (item.role === "user" && Array.isArray(item.content)) {
      for (const part of item.content) {
        if (!isRecord(part)) continue;
        if (part.type === "input_text" && typeof part.text === "string") {
          this.pending.transcripts.push(Promise.resolve(part.text));
        } else if (part.type === "input_audio" && typeof part.audio === "string") {
          const audio = decodeBase64(part.audio);
          if (audio !== undefined) this.pending.audio.push(audio);
          if (typeof part.transcript === "string")
            this.pending.transcripts.push(Promise.resolve(part.transcript));
        }
      }
    }
    const previousItemId = this.lastItemId;
    this.lastItemId = itemId;
    this.announceItem(stored, previousItemId);
  }

  private truncate(event: RealtimeEvent, clientEventId: string | undefined): void {
    const itemId = typeof event.item_id === "string" ? event.item_id : undefined;
    const itemAudioMs = itemId === undefined ? undefined : this.assistantAudioMs.get(itemId);
    if (itemId === undefined || itemAudioMs === undefined) {
      this.sendError(
        "invalid_request_error",
        "invalid_value",
        `Invalid 'item_id': no assistant item '${String(event.item_id)}' in this conversation. Only assistant message items can be truncated.`,
        clientEventId,
        "item_id",
      );
      return;
    }
    const audioEndMs = event.audio_end_ms;
    if (typeof audioEndMs !== "number" || audioEndMs < 0 || audioEndMs > Math.ceil(itemAudioMs)) {
      this.sendError(
        "invalid_request_error",
        "invalid_value",
        `Invalid 'audio_end_ms': ${String(audioEndMs)} is outside the item's audio (0..${Math.ceil(itemAudioMs)} ms).`,
        clientEventId,
        "audio_end_ms",
      );
      return;
    }
    const contentIndex = typeof event.content_index === "number" ? event.content_index : 0;
    this.server.truncates.push({
      connectionId: this.id,
      itemId,
      contentIndex,
      audioEndMs,
      atMs: this.server.clock(),
    });
    this.send({
      type: "conversation.item.truncated",
      item_id: itemId,
      content_index: contentIndex,
      audio_end_ms: audioEndMs,
    });
  }

  private cancelFromClient(clientEventId: string | undefined): void {
    if (this.active === undefined) {
      this.sendError(
        "invalid_request_error",
        "response_cancel_not_active",
        "Cancellation failed: no active response found.",
        clientEventId,
      );
      return;
    }
    this.cancelActive("client_cancelled");
  }

  private cancelActive(reason: "client_cancelled" | "turn_detected"): void {
    const active = this.active;
    if (active === undefined) return;
    this.server.cancels.push({
      connectionId: this.id,
      responseId: active.record.id,
      atMs: this.server.clock(),
      reason,
      deltasBeforeCancel: active.record.deltaCount,
    });
    this.endResponse(active, "cancelled", { type: "cancelled", reason });
  }

  /** Ends the active response's bookkeeping and wakes its loop so it exits. */
  private finishActive(outcome: RealtimeResponseRecord["outcome"]): void {
    const active = this.active;
    if (active === undefined) return;
    this.active = undefined;
    active.cancelled = true;
    active.record.outcome = outcome;
    active.record.endedAtMs = this.server.clock();
    if (active.timer !== undefined) clearTimeout(active.timer);
    active.wake?.();
  }

  private startResponse(
    requestedBy: "client" | "server_vad",
    request: unknown,
    clientEventId: string | undefined,
  ): void {
    if (this.active !== undefined) {
      this.sendError(
        "invalid_request_error",
        "conversation_already_has_active_response",
        `Conversation already has an active response in progress: ${this.active.record.id}. Wait until the response is finished before creating a new one.`,
        clientEventId,
      );
      return;
    }
    const record: RealtimeResponseRecord = {
      index: this.server.responses.length,
      connectionId: this.id,
      turnIndex: this.responseCount++,
      id: this.server.nextId("resp"),
      requestedBy,
      requestedAtMs: this.server.clock(),
      outcome: "in_progress",
      sentAudioBytes: 0,
      deltaCount: 0,
    };
    this.server.responses.push(record);
    const active: ActiveResponse = { record, cancelled: false, createdSent: false };
    this.active = active;
    const pending = this.pending;
    this.pending = { audio: [], transcripts: [] };
    this.runResponse(active, pending, isRecord(request) ? request : undefined).catch((error: unknown) => {
      if (active.cancelled) return;
      const message = error instanceof Error ? error.message : String(error);
      this.sendError("server_error", "server_error", `The fake server's reply policy failed: ${message}`);
      this.endResponse(active, "failed", {
        type: "failed",
        error: { type: "server_error", code: "server_error" },
      });
    });
  }

  /**
   * Waits until the server clock reaches `untilMs`, unless the response is cancelled first;
   * resolves false when it was. Always yields at least once, so a cancel on the socket is seen.
   */
  private sleepUntil(active: ActiveResponse, untilMs: number): Promise<boolean> {
    return sleepUntil(
      active,
      () => active.cancelled,
      () => this.server.clock(),
      untilMs,
    );
  }

  private async runResponse(
    active: ActiveResponse,
    pending: PendingUserInput,
    request: Record<string, unknown> | undefined,
  ): Promise<void> {
    const { record } = active;
    const transcripts = (await Promise.all(pending.transcripts)).filter(
      (text): text is string => text !== undefined && text !== "",
    );
    if (active.cancelled) return;
    const context: RealtimeReplyContext = {
      session: structuredClone(this.session),
      userAudio: concatPcm(pending.audio),
      turnIndex: record.turnIndex,
      connectionId: this.id,
    };
    if (transcripts.length > 0) context.userTranscript = transcripts.join(" ");
    if (request !== undefined) context.request = request;
    const reply = await this.server.reply(context);
    if (active.cancelled) return;
    const fault = this.server.takeFault() ?? reply.fault;
    if (fault !== undefined) record.fault = fault;
    const thinkTimeMs = reply.thinkTimeMs ?? this.server.thinkTimeMs;
    const thinkUntil = record.requestedAtMs + thinkTimeMs;

    if (fault?.type === "error" && fault.afterDeltas === undefined) {
      if (!(await this.sleepUntil(active, thinkUntil))) return;
      this.sendFaultError(fault);
      this.finishActive("error");
      return;
    }

    this.sendResponseCreated(active);
    if (fault?.type === "stall") {
      record.outcome = "stalled";
      return;
    }

    const audio = reply.audio ?? (await this.server.speech(reply.transcript));
    if (active.cancelled) return;
    record.transcript = reply.transcript;
    record.audio = audio;
    if (!(await this.sleepUntil(active, thinkUntil))) return;

    const itemId = this.server.nextId("item");
    record.itemId = itemId;
    this.assistantAudioMs.set(itemId, pcmDurationMsOfBytes(audio.byteLength));
    const previousItemId = this.lastItemId;
    this.lastItemId = itemId;
    const item = {
      id: itemId,
      object: "realtime.item",
      type: "message",
      status: "in_progress",
      role: "assistant",
      content: [] as unknown[],
    };
    const where = { response_id: record.id, item_id: itemId, output_index: 0, content_index: 0 };
    this.send({ type: "response.output_item.added", response_id: record.id, output_index: 0, item });
    this.send({ type: "conversation.item.added", previous_item_id: previousItemId, item });
    this.send({ type: "conversation.item.created", previous_item_id: previousItemId, item });
    this.send({ type: "response.content_part.added", ...where, part: { type: "audio", transcript: "" } });

    // Not pcmByteLength(chunkMs): its rounding differs for a fractional chunkMs, and chunk sizes stay.
    const chunkBytes = Math.max(2, Math.round(this.server.chunkMs * pcmByteLength(1)) & ~1);
    const chunkCount = Math.ceil(audio.byteLength / chunkBytes);
    const words = reply.transcript.match(/\S+\s*/g) ?? [];
    const firstAt = this.server.clock();
    const intervalMs = Number.isFinite(this.server.paceFactor)
      ? this.server.chunkMs / this.server.paceFactor
      : 0;
    let wordsSent = 0;
    for (let index = 0; index < chunkCount; index++) {
      if (fault?.type === "close" && index === (fault.afterDeltas ?? 0)) return this.closeForFault(fault);
      if (fault?.type === "error" && index === fault.afterDeltas) return this.failForFault(active, fault);
      if (index > 0) {
        if (!(await this.sleepUntil(active, firstAt + index * intervalMs))) return;
      }
      const wordsDue = Math.ceil(((index + 1) * words.length) / chunkCount);
      if (wordsDue > wordsSent) {
        this.send({
          type: "response.output_audio_transcript.delta",
          ...where,
          delta: words.slice(wordsSent, wordsDue).join(""),
        });
        wordsSent = wordsDue;
      }
      const delta = audio.subarray(index * chunkBytes, Math.min(audio.byteLength, (index + 1) * chunkBytes));
      if (index === 0) record.firstAudioAtMs = this.server.clock();
      record.deltaCount++;
      record.sentAudioBytes += delta.byteLength;
      this.send({ type: "response.output_audio.delta", ...where, delta: pcmToBase64(delta) });
    }
    if (fault?.type === "close" && chunkCount <= (fault.afterDeltas ?? 0)) return this.closeForFault(fault);
    if (fault?.type === "error" && fault.afterDeltas !== undefined) return this.failForFault(active, fault);
    if (wordsSent < words.length) {
      this.send({
        type: "response.output_audio_transcript.delta",
        ...where,
        delta: words.slice(wordsSent).join(""),
      });
    }
    this.send({ type: "response.output_audio.done", ...where });
    this.send({ type: "response.output_audio_transcript.done", ...where, transcript: reply.transcript });
    const part = { type: "audio", transcript: reply.transcript };
    this.send({ type: "response.content_part.done", ...where, part });
    const doneItem = {
      ...item,
      status: "completed",
      content: [{ type: "output_audio", transcript: reply.transcript }],
    };
    this.send({ type: "response.output_item.done", response_id: record.id, output_index: 0, item: doneItem });
    this.send({ type: "conversation.item.done", previous_item_id: previousItemId, item: doneItem });
    this.endResponse(active, "completed", null, [doneItem]);
  }

  /**
   * Ends a response the client has been told about (or is told about now): `response.created`
   * when not yet sent, so a client always sees a whole response, then `response.done`, then the
   * bookkeeping.
   */
  private endResponse(
    active: ActiveResponse,
    status: "completed" | "cancelled" | "failed",
    statusDetails: unknown,
    output?: unknown[],
  ): void {
    this.sendResponseCreated(active);
    this.sendResponseDone(active.record, status, statusDetails, output);
    this.finishActive(status);
  }

  private sendResponseCreated(active: ActiveResponse): void {
    if (active.createdSent) return;
    active.createdSent = true;
    this.send({
      type: "response.created",
      response: this.responseObject(active.record, "in_progress", [], null),
    });
  }

  private closeForFault(fault: Extract<RealtimeFault, { type: "close" }>): void {
    this.finishActive("connection-closed");
    if (fault.abrupt === true) this.socket.terminate();
    else this.socket.close(fault.code ?? 1011, "fake server fault");
  }

  private failForFault(active: ActiveResponse, fault: Extract<RealtimeFault, { type: "error" }>): void {
    this.sendFaultError(fault);
    this.endResponse(active, "failed", {
      type: "failed",
      error: { type: fault.errorType ?? "server_error", code: fault.code ?? "server_error" },
    });
  }

  private sendFaultError(fault: Extract<RealtimeFault, { type: "error" }>): void {
    this.sendError(
      fault.errorType ?? "server_error",
      fault.code ?? "server_error",
      fault.message ?? SERVER_ERROR_MESSAGE,
    );
  }

  private responseObject(
    record: RealtimeResponseRecord,
    status: string,
    output: unknown[],
    statusDetails: unknown,
  ): Record<string, unknown> {
    const audio = this.session.audio;
    const outputAudio = isRecord(audio) && isRecord(audio.output) ? audio.output : {};
    return {
      object: "realtime.response",
      id: record.id,
      status,
      status_details: statusDetails,
      output,
      conversation_id: `conv_${this.id}`,
      output_modalities: ["audio"],
      max_output_tokens: "inf",
      audio: { output: { format: outputAudio.format ?? null, voice: outputAudio.voice ?? null } },
      usage: status === "in_progress" ? null : this.usageOf(record),
      metadata: null,
    };
  }

  /** The usage of a finished response (an in-progress one has none). */
  private usageOf(record: RealtimeResponseRecord): Record<string, unknown> {
    const inputMs = this.server.turns
      .filter((turn) => turn.connectionId === this.id)
      .reduce((sum, turn) => sum + pcmDurationMsOfBytes(turn.audio.byteLength), 0);
    const outputMs = pcmDurationMsOfBytes(record.sentAudioBytes);
    // Roughly one audio token per 100 ms: deterministic, not OpenAI's exact accounting.
    const inputTokens = Math.ceil(inputMs / 100);
    const outputAudioTokens = Math.ceil(outputMs / 100);
    const outputTextTokens = estimateTokens(record.transcript ?? "");
    return {
      total_tokens: inputTokens + outputAudioTokens + outputTextTokens,
      input_tokens: inputTokens,
      output_tokens: outputAudioTokens + outputTextTokens,
      input_token_details: { text_tokens: 0, audio_tokens: inputTokens, cached_tokens: 0 },
      output_token_details: { text_tokens: outputTextTokens, audio_tokens: outputAudioTokens },
    };
  }

  private sendResponseDone(
    record: RealtimeResponseRecord,
    status: "completed" | "cancelled" | "failed",
    statusDetails: unknown,
    output: unknown[] = [],
  ): void {
    let items = output;
    if (status !== "completed" && record.itemId !== undefined) {
      const heard =
        (record.transcript ?? "").trim() === ""
          ? []
          : [{ type: "output_audio", transcript: record.transcript }];
      items = [
        {
          id: record.itemId,
          object: "realtime.item",
          type: "message",
          status: "incomplete",
          role: "assistant",
          content: heard,
        },
      ];
    }
    this.send({ type: "response.done", response: this.responseObject(record, status, items, statusDetails) });
  }

  private sendError(
    type: string,
    code: string,
    message: string,
    clientEventId?: string,
    param?: string,
  ): void {
    this.send({
      type: "error",
      error: { type, code, message, param: param ?? null, event_id: clientEventId ?? null },
    });
  }

  private send(event: RealtimeEvent): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    const withId = { event_id: this.server.nextId("event"), ...event };
    this.server.log(this.frame("sent", withId));
    this.socket.send(JSON.stringify(withId));
  }

  private frame(direction: "received" | "sent", event: RealtimeEvent): RealtimeFrameRecord {
    return { direction, connectionId: this.id, atMs: this.server.clock(), type: event.type, event };
  }
}
