import { base64ToPcm, concatPcm, resamplePcm } from "@scenario/voice";
import type { WebSocket } from "ws";
import { EnergyVad, type EnergyVadOptions } from "../realtime/energy-vad";
import { isRecord } from "../shared/checks";
import { GeminiLiveResponder } from "./gemini-live-responder";
import type {
  GeminiLiveConnectionRecord,
  GeminiLiveFault,
  GeminiLiveFrameRecord,
  GeminiLiveFunctionResponse,
  GeminiLiveInterruptionRecord,
  GeminiLiveReply,
  GeminiLiveReplyContext,
  GeminiLiveResponseRecord,
  GeminiLiveTurnRecord,
} from "./gemini-live-types";
import { GeminiLiveWire } from "./gemini-live-wire";

/** The Live API's close codes for a bad request: invalid argument, and policy violation. */
const CLOSE_INVALID_ARGUMENT = 1007;
const CLOSE_POLICY_VIOLATION = 1008;

/** What every connection shares with its server: settings, the reply policy and the logs. */
export interface GeminiLiveServerContext {
  clock: () => number;
  thinkTimeMs: number;
  paceFactor: number;
  chunkMs: number;
  lateAudioChunks: number;
  vad: Required<EnergyVadOptions>;
  reply(context: GeminiLiveReplyContext): Promise<GeminiLiveReply>;
  speech(transcript: string): Promise<Uint8Array>;
  transcribe?: (pcm24k: Uint8Array) => Promise<string | undefined>;
  takeFault(): GeminiLiveFault | undefined;
  log(record: GeminiLiveFrameRecord): void;
  /** Re-checks the server's `waitFor()` predicates after a change that sent no frame. */
  changed(): void;
  /** A new session resumption handle for a session that answered `turnsAnswered` turns. */
  nextHandle(turnsAnswered: number): string;
  /** The handles given out so far, with the turns answered in their session by then. */
  handles: ReadonlyMap<string, number>;
  turns: GeminiLiveTurnRecord[];
  responses: GeminiLiveResponseRecord[];
  interruptions: GeminiLiveInterruptionRecord[];
}

/** The protocol state of one client connection: setup, the caller's turn, the reply in flight. */
export class GeminiLiveConnection {
  private setup: Record<string, unknown> | undefined;
  private manualActivity = false;
  private turnAudio: Uint8Array[] = [];
  private turnSampleRate = 16_000;
  private turnText: string[] = [];
  private vad: EnergyVad | undefined;
  private vadSpeaking = false;
  private readonly wire: GeminiLiveWire;
  private readonly responder: GeminiLiveResponder;

  constructor(
    readonly id: number,
    socket: WebSocket,
    private readonly server: GeminiLiveServerContext,
    private readonly record: GeminiLiveConnectionRecord,
  ) {
    this.wire = new GeminiLiveWire(id, socket, server);
    this.responder = new GeminiLiveResponder(id, this.wire, server);
  }

  /** Handles one frame (the Live API sends JSON, as text or binary frames alike). */
  handleFrame(text: string): void {
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isRecord(parsed)) throw new Error("not an object");
      message = parsed;
    } catch {
      this.wire.logReceived("(invalid)", { raw: text.slice(0, 2000) });
      this.wire.close(CLOSE_INVALID_ARGUMENT, "Invalid JSON payload received.");
      return;
    }
    const type = Object.keys(message)[0] ?? "(empty)";
    this.wire.logReceived(type, message);
    if (this.setup === undefined) {
      if (!isRecord(message.setup)) {
        this.wire.close(CLOSE_INVALID_ARGUMENT, `The first message must be 'setup', got '${type}'.`);
        return;
      }
      this.startSession(message.setup);
      return;
    }
    if (isRecord(message.realtimeInput)) this.realtimeInput(message.realtimeInput);
    else if (isRecord(message.clientContent)) this.clientContent(message.clientContent);
    else if (isRecord(message.toolResponse)) this.toolResponse(message.toolResponse);
    else if (isRecord(message.setup)) this.wire.close(CLOSE_INVALID_ARGUMENT, "Setup was already sent.");
    else this.wire.close(CLOSE_INVALID_ARGUMENT, `Unknown message '${type}'.`);
  }

  /** Stops all work when the socket closes (either side). */
  handleClose(): void {
    this.wire.closed = true;
    this.responder.stop();
  }

  private startSession(setup: Record<string, unknown>): void {
    const model = setup.model;
    if (typeof model !== "string" || !model.startsWith("models/")) {
      this.wire.close(CLOSE_INVALID_ARGUMENT, "setup.model must be 'models/<name>'.");
      return;
    }
    const generationConfig = isRecord(setup.generationConfig) ? setup.generationConfig : {};
    const modalities = generationConfig.responseModalities;
    if (Array.isArray(modalities) && !modalities.includes("AUDIO")) {
      this.wire.close(CLOSE_INVALID_ARGUMENT, "The fake Live model only answers with AUDIO.");
      return;
    }
    const resumption = isRecord(setup.sessionResumption) ? setup.sessionResumption : undefined;
    if (typeof resumption?.handle === "string") {
      const turnsAnswered = this.server.handles.get(resumption.handle);
      if (turnsAnswered === undefined) {
        this.wire.close(CLOSE_POLICY_VIOLATION, "The session resumption handle is not valid.");
        return;
      }
      this.record.resumedFrom = resumption.handle;
      // The conversation goes on: the next reply is the session's next turn.
      this.responder.resumeAt(turnsAnswered);
    }
    const inputConfig = isRecord(setup.realtimeInputConfig) ? setup.realtimeInputConfig : {};
    const detection = isRecord(inputConfig.automaticActivityDetection)
      ? inputConfig.automaticActivityDetection
      : {};
    this.manualActivity = detection.disabled === true;
    const silenceMs =
      typeof detection.silenceDurationMs === "number"
        ? detection.silenceDurationMs
        : this.server.vad.silenceDurationMs;
    if (!this.manualActivity) this.vad = new EnergyVad(this.server.vad, silenceMs);
    this.setup = setup;
    this.record.setup = setup;
    this.server.changed();
    this.wire.send({ setupComplete: {} });
  }

  private realtimeInput(input: Record<string, unknown>): void {
    const blobs = [
      ...(isRecord(input.audio) ? [input.audio] : []),
      ...(Array.isArray(input.mediaChunks) ? input.mediaChunks.filter(isRecord) : []),
    ];
    for (const blob of blobs) this.audio(blob);
    if (input.activityStart !== undefined) {
      if (!this.manualActivity) {
        this.wire.close(
          CLOSE_INVALID_ARGUMENT,
          "activityStart needs realtimeInputConfig.automaticActivityDetection.disabled.",
        );
        return;
      }
      // The default activity handling: the caller's activity interrupts the model.
      if (this.responder.active) this.responder.interrupt("activityStart");
    }
    if (typeof input.text === "string") this.turnText.push(input.text);
    if (input.activityEnd !== undefined) {
      if (!this.manualActivity) {
        this.wire.close(
          CLOSE_INVALID_ARGUMENT,
          "activityEnd needs realtimeInputConfig.automaticActivityDetection.disabled.",
        );
        return;
      }
      this.endTurn("activityEnd");
    }
    if (input.audioStreamEnd === true && !this.manualActivity && this.vadSpeaking) {
      this.vadSpeaking = false;
      this.vad?.reset();
      this.endTurn("audioStreamEnd");
    }
  }

  private audio(blob: Record<string, unknown>): void {
    const mimeType = typeof blob.mimeType === "string" ? blob.mimeType : "";
    const rate = /^audio\/pcm(?:;\s*rate=(\d+))?$/.exec(mimeType);
    if (rate === null || typeof blob.data !== "string") {
      this.wire.close(CLOSE_INVALID_ARGUMENT, `Unsupported audio mimeType '${mimeType}'.`);
      return;
    }
    const sampleRate = rate[1] === undefined ? 16_000 : Number(rate[1]);
    const pcm = base64ToPcm(blob.data);
    this.turnAudio.push(pcm);
    this.turnSampleRate = sampleRate;
    if (this.vad === undefined) return;
    // The VAD only weighs energy: a nearest-sample stretch to 24 kHz is enough, and keeps up with the stream.
    for (const boundary of this.vad.push(stretchTo24k(pcm, sampleRate))) {
      if (boundary.type === "speech_started") {
        this.vadSpeaking = true;
        if (this.responder.active) this.responder.interrupt("vad");
      } else {
        this.vadSpeaking = false;
        this.endTurn("vad");
      }
    }
  }

  private clientContent(content: Record<string, unknown>): void {
    const turns = Array.isArray(content.turns) ? content.turns.filter(isRecord) : [];
    for (const turn of turns) {
      const parts = Array.isArray(turn.parts) ? turn.parts.filter(isRecord) : [];
      for (const part of parts) if (typeof part.text === "string") this.turnText.push(part.text);
    }
    if (content.turnComplete === true) this.endTurn("clientContent");
  }

  private toolResponse(toolResponse: Record<string, unknown>): void {
    const responses = Array.isArray(toolResponse.functionResponses)
      ? toolResponse.functionResponses.filter(isRecord)
      : [];
    this.responder.toolResponse(
      responses.map(
        (response): GeminiLiveFunctionResponse => ({
          id: String(response.id ?? ""),
          name: String(response.name ?? ""),
          response: response.response,
        }),
      ),
    );
  }

  private endTurn(endedBy: GeminiLiveTurnRecord["endedBy"]): void {
    const setup = this.setup;
    if (setup === undefined) return;
    if (this.responder.active) this.responder.interrupt(endedBy === "vad" ? "vad" : "activityStart");
    const endedAtMs = this.server.clock();
    const audio = concatPcm(this.turnAudio);
    // Resampled once per turn, after the turn's end is timed: the think time absorbs it.
    const pcm24k = this.turnSampleRate === 24_000 ? audio : resamplePcm(audio, this.turnSampleRate, 24_000);
    const text = this.turnText.length > 0 ? this.turnText.join(" ") : undefined;
    this.turnAudio = [];
    this.turnText = [];
    const turn: GeminiLiveTurnRecord = {
      index: this.server.turns.length,
      connectionId: this.id,
      audio,
      endedBy,
      endedAtMs,
    };
    if (text !== undefined) turn.text = text;
    this.server.turns.push(turn);
    this.server.changed();
    void this.answer(turn, setup, pcm24k).catch(() => {
      // The transcriber failed: the reply goes on without the caller's words.
      this.responder.start({ setup, userAudio: pcm24k }, turn.endedAtMs);
    });
  }

  private async answer(turn: GeminiLiveTurnRecord, setup: Record<string, unknown>, pcm24k: Uint8Array) {
    let userTranscript = turn.text;
    if (userTranscript === undefined && this.server.transcribe !== undefined && pcm24k.byteLength > 0) {
      const transcript = await this.server.transcribe(pcm24k);
      if (this.wire.closed) return;
      if (transcript !== undefined) {
        turn.transcript = transcript;
        userTranscript = transcript;
        if (setup.inputAudioTranscription !== undefined) {
          this.wire.send({ serverContent: { inputTranscription: { text: transcript } } });
        }
      }
    }
    this.responder.start(
      { setup, userAudio: pcm24k, ...(userTranscript !== undefined && { userTranscript }) },
      turn.endedAtMs,
    );
  }
}

/** Nearest-sample conversion of PCM16 mono to 24 kHz: crude, but energy (all the VAD reads) survives it. */
function stretchTo24k(pcm: Uint8Array, sampleRate: number): Uint8Array {
  if (sampleRate === 24_000) return pcm;
  const input = new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + (pcm.byteLength & ~1)));
  const output = new Int16Array(Math.floor((input.length * 24_000) / sampleRate));
  for (let index = 0; index < output.length; index++) {
    output[index] = input[Math.floor((index * sampleRate) / 24_000)] ?? 0;
  }
  return new Uint8Array(output.buffer);
}
