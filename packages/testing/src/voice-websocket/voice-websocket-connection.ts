import { concatPcm } from "@scenario/voice";
import type { WebSocket } from "ws";
import { EnergyVad, type EnergyVadOptions } from "../realtime/energy-vad";
import { isRecord } from "../shared/checks";
import { toPcm24k } from "./voice-websocket-audio";
import { VoiceWebSocketResponder } from "./voice-websocket-responder";
import { DEFAULT_FORMAT, readSessionStart } from "./voice-websocket-session-start";
import type {
  VoiceWebSocketAudioFormat,
  VoiceWebSocketCapabilities,
  VoiceWebSocketConnectionRecord,
  VoiceWebSocketFault,
  VoiceWebSocketFrameRecord,
  VoiceWebSocketInterruptRecord,
  VoiceWebSocketMessage,
  VoiceWebSocketReply,
  VoiceWebSocketReplyContext,
  VoiceWebSocketResponseRecord,
  VoiceWebSocketTurnRecord,
} from "./voice-websocket-types";
import { VoiceWebSocketWire } from "./voice-websocket-wire";

/** What every connection shares with its server: settings, the reply policy and the logs. */
export interface VoiceWebSocketServerContext {
  clock: () => number;
  thinkTimeMs: number;
  paceFactor: number;
  chunkMs: number;
  versions: readonly number[];
  capabilities: VoiceWebSocketCapabilities;
  bargeIn: boolean;
  vad: Required<EnergyVadOptions>;
  reply(context: VoiceWebSocketReplyContext): Promise<VoiceWebSocketReply>;
  speech(transcript: string): Promise<Uint8Array>;
  transcribe?: (pcm24k: Uint8Array) => Promise<string | undefined>;
  takeFault(): VoiceWebSocketFault | undefined;
  log(record: VoiceWebSocketFrameRecord): void;
  /** Re-checks the server's `waitFor()` predicates after a change that sent no frame. */
  changed(): void;
  turns: VoiceWebSocketTurnRecord[];
  responses: VoiceWebSocketResponseRecord[];
  interrupts: VoiceWebSocketInterruptRecord[];
  dtmf: Array<{ connectionId: number; digits: string; atMs: number }>;
}

/** The protocol state of one client connection: handshake, the caller's turn, the reply in flight. */
export class VoiceWebSocketConnection {
  private started = false;
  private inputFormat: VoiceWebSocketAudioFormat = DEFAULT_FORMAT;
  private outputFormat: VoiceWebSocketAudioFormat = DEFAULT_FORMAT;
  private turnDetection: "client" | "server" = "client";
  private metadata: Record<string, unknown> = {};
  private turnAudio: Uint8Array[] = [];
  private turnText: string[] = [];
  private dtmfDigits = "";
  private inputBytes = 0;
  private vad: EnergyVad | undefined;
  private readonly responder: VoiceWebSocketResponder;
  private readonly wire: VoiceWebSocketWire;

  constructor(
    readonly id: number,
    socket: WebSocket,
    private readonly server: VoiceWebSocketServerContext,
    private readonly record: VoiceWebSocketConnectionRecord,
  ) {
    this.wire = new VoiceWebSocketWire(id, socket, server);
    this.responder = new VoiceWebSocketResponder(id, this.wire, server);
  }

  /** Handles one text frame. */
  handleText(text: string): void {
    let message: VoiceWebSocketMessage;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isRecord(parsed) || typeof parsed.type !== "string") throw new Error("not a message");
      message = parsed as VoiceWebSocketMessage;
    } catch {
      this.wire.logReceived({ type: "(invalid)", raw: text.slice(0, 2000) });
      this.wire.sendError(
        "invalid_message",
        "The text frame is not a JSON message with a string `type`.",
        !this.started,
      );
      return;
    }
    this.wire.logReceived(message);
    if (!this.started) {
      if (message.type !== "session.start") {
        this.wire.sendError(
          "invalid_state",
          `The first message must be 'session.start', got '${message.type}'.`,
          true,
        );
        return;
      }
      this.startSession(message);
      return;
    }
    switch (message.type) {
      case "input.end":
        this.endTurn("input.end");
        return;
      case "input.text":
        if (!this.server.capabilities.textInput) this.unsupported("input.text", "textInput");
        else if (typeof message.text !== "string") {
          this.wire.sendError("invalid_message", "'input.text' needs a string `text`.");
        } else this.turnText.push(message.text);
        return;
      case "interrupt":
        this.responder.interruptFromClient(
          typeof message.playedMs === "number" ? message.playedMs : undefined,
        );
        return;
      case "dtmf":
        if (!this.server.capabilities.dtmf) this.unsupported("dtmf", "dtmf");
        else if (typeof message.digits !== "string" || !/^[0-9*#A-D]+$/.test(message.digits)) {
          this.wire.sendError("invalid_message", "'dtmf' needs `digits` made of 0-9, *, # and A-D.");
        } else {
          this.dtmfDigits += message.digits;
          this.server.dtmf.push({ connectionId: this.id, digits: message.digits, atMs: this.server.clock() });
        }
        return;
      case "session.end":
        this.responder.finish("interrupted");
        this.wire.send({ type: "session.ended", reason: "client ended the session" });
        this.wire.close(1000, "session ended");
        return;
      case "session.start":
        this.wire.sendError("invalid_state", "The session has already started.");
        return;
      default:
        this.wire.sendError("unknown_message_type", `Unknown message type '${message.type}'.`);
    }
  }

  /** Handles one binary frame: the caller's audio. */
  handleBinary(audio: Uint8Array): void {
    this.wire.logReceivedAudio(audio.byteLength);
    if (!this.started) {
      this.wire.sendError("invalid_state", "Audio arrived before 'session.start'.", true);
      return;
    }
    this.turnAudio.push(audio);
    this.inputBytes += audio.byteLength;
    if (this.vad === undefined) return;
    const pcm = toPcm24k(audio, this.inputFormat);
    for (const boundary of this.vad.push(pcm)) {
      const audioMs = Math.round(boundary.audioMs);
      if (boundary.type === "speech_started") {
        this.wire.send({ type: "speech.started", speaker: "user", audioMs });
        // Barge-in: the caller speaks over the reply, so the reply stops and says why.
        if (this.server.bargeIn && this.responder.active?.started) this.responder.cut("user_speech");
      } else {
        this.wire.send({ type: "speech.stopped", speaker: "user", audioMs });
        if (this.turnDetection === "server" && this.responder.active === undefined) this.endTurn("vad");
      }
    }
  }

  /** Stops all work when the socket closes (either side). */
  handleClose(): void {
    this.wire.closed = true;
    this.responder.finish("connection-closed");
  }

  private startSession(message: VoiceWebSocketMessage): void {
    this.record.sessionStart = message;
    const outcome = readSessionStart(message, this.server.versions, this.server.capabilities.serverVad);
    if ("refusal" in outcome) {
      this.wire.send(outcome.refusal);
      this.wire.close(outcome.closeCode, String(outcome.refusal.code));
      return;
    }
    const { settings } = outcome;
    this.started = true;
    this.inputFormat = settings.input;
    this.outputFormat = settings.output;
    this.turnDetection = settings.turnDetection;
    this.metadata = settings.metadata;
    // The VAD runs in both modes: it reports the caller's speech and notices barge-ins.
    this.vad = new EnergyVad(this.server.vad, this.server.vad.silenceDurationMs);
    Object.assign(this.record, {
      version: settings.version,
      inputFormat: settings.input,
      outputFormat: settings.output,
      turnDetection: settings.turnDetection,
    });
    this.wire.send({
      type: "session.started",
      version: settings.version,
      sessionId: `sess_fake_${this.id}`,
      input: settings.input,
      output: settings.output,
      turnDetection: settings.turnDetection,
      capabilities: this.server.capabilities,
      agent: { name: "fake-voice-agent", version: "1" },
    });
  }

  private unsupported(type: string, capability: string): void {
    this.wire.sendError(
      "unsupported",
      `This agent does not support '${type}' (capabilities.${capability} is false).`,
    );
  }

  private endTurn(endedBy: VoiceWebSocketTurnRecord["endedBy"]): void {
    // With server VAD, input.end is a hint: the VAD may already have answered this turn.
    if (endedBy === "input.end" && this.turnDetection === "server") {
      const nothingNew = this.inputBytes === 0 && this.turnText.length === 0;
      if (this.responder.active !== undefined || (nothingNew && this.responder.count > 0)) return;
    }
    if (this.responder.active !== undefined) {
      this.wire.sendError(
        "invalid_state",
        `Reply ${this.responder.active.record.id} is still in flight; interrupt it first.`,
      );
      return;
    }
    const audio = concatPcm(this.turnAudio);
    const text = this.turnText.length > 0 ? this.turnText.join(" ") : undefined;
    this.turnAudio = [];
    this.turnText = [];
    this.inputBytes = 0;
    this.vad?.reset();
    const turn: VoiceWebSocketTurnRecord = {
      index: this.server.turns.length,
      connectionId: this.id,
      audio,
      endedBy,
      endedAtMs: this.server.clock(),
    };
    if (text !== undefined) turn.text = text;
    this.server.turns.push(turn);
    const dtmf = this.dtmfDigits;
    this.dtmfDigits = "";
    this.responder.start(turn, dtmf, {
      inputFormat: this.inputFormat,
      outputFormat: this.outputFormat,
      metadata: this.metadata,
    });
  }
}
