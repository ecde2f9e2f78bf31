import {
  audioDurationMs,
  type VoiceProtocolAudioFormat,
  type VoiceProtocolResponseStatus,
  type VoiceProtocolServerMessage,
} from "./protocol";

/** @internal What a reply needs of its session (a `VoiceAgentSession`). */
export interface ResponseChannel {
  readonly outputFormat: VoiceProtocolAudioFormat;
  send(message: VoiceProtocolServerMessage): boolean;
  sendBinary(audio: Uint8Array): boolean;
  releaseResponse(response: VoiceAgentResponse): void;
}

/**
 * One reply of the agent: send its audio in `session.outputFormat` and its transcript, then `end()`.
 * An `interrupt` from the client ends it for you: `signal` aborts and further sends are dropped.
 */
export class VoiceAgentResponse {
  /** The reply's id (`response.started`). */
  readonly id: string;
  private readonly controller = new AbortController();
  private sentBytes = 0;
  private ended = false;

  /** @internal `cancelled`: the client interrupted the turn before its reply started. */
  constructor(
    private readonly session: ResponseChannel,
    id: string,
    cancelled = false,
  ) {
    this.id = id;
    if (cancelled) this.abandon();
  }

  /** Aborts when the reply is over for any reason: stop producing audio for it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once the reply ended (completed, interrupted, failed or the session closed). */
  get done(): boolean {
    return this.ended;
  }

  /** Milliseconds of audio sent so far. */
  get audioMs(): number {
    return audioDurationMs(this.sentBytes, this.session.outputFormat);
  }

  /** Sends audio in `session.outputFormat`. Returns false (and sends nothing) once the reply is over. */
  sendAudio(audio: Uint8Array): boolean {
    if (this.ended) return false;
    this.sentBytes += audio.byteLength;
    return this.session.sendBinary(audio);
  }

  /** Sends the reply's transcript so far (`final: false`) or the whole of it (`final: true`). */
  sendTranscript(text: string, options: { final?: boolean } = {}): boolean {
    if (this.ended) return false;
    return this.session.send({
      type: "transcript",
      speaker: "agent",
      text,
      final: options.final ?? false,
      responseId: this.id,
    });
  }

  /**
   * Ends the reply: `"completed"` (the default), `"interrupted"` when the agent stopped because it
   * heard the caller (`reason: "user_speech"`), or `"failed"`. Does nothing once it ended.
   */
  end(status: VoiceProtocolResponseStatus = "completed", reason?: "client" | "user_speech"): void {
    if (this.ended) return;
    this.ended = true;
    this.controller.abort();
    this.session.send({
      type: "response.done",
      responseId: this.id,
      status,
      ...(reason !== undefined && { reason }),
      audioMs: Math.round(this.audioMs),
    });
    this.session.releaseResponse(this);
  }

  /** @internal Ends the reply without telling the client (the connection is gone). */
  abandon(): void {
    this.ended = true;
    this.controller.abort();
  }
}
