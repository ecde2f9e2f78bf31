import type { VoiceAudioFormat } from "@scenario/spec";
import { delay } from "./call-clock";
import { wireByteLength, wireDurationMs } from "./wire-audio";

/**
 * Sends the caller's audio to the transport in frames of the transport's size, and (for a transport
 * that needs `realtimeInput`) each frame when its time comes, as a microphone would: frame n of a
 * stretch of speech leaves `n * frameMs` after the first. A remainder smaller than a frame waits for
 * the next audio, or for `flush()` at the end of the caller's speech.
 */
export class UserAudioPacer {
  private readonly send: (frame: Uint8Array) => Promise<void>;
  private readonly format: VoiceAudioFormat;
  private readonly frameBytes: number;
  private readonly realtime: boolean;
  private readonly wallNowMs: () => number;
  private remainder: Uint8Array = new Uint8Array(0);
  /** Wall time the next frame is due, in real-time pacing; undefined at the start of a stretch. */
  private nextDueAtWallMs: number | undefined;

  constructor(options: {
    send: (frame: Uint8Array) => Promise<void>;
    format: VoiceAudioFormat;
    frameMs: number;
    realtime: boolean;
    wallNowMs: () => number;
  }) {
    this.send = options.send;
    this.format = options.format;
    this.frameBytes = Math.max(1, wireByteLength(options.frameMs, options.format));
    this.realtime = options.realtime;
    this.wallNowMs = options.wallNowMs;
  }

  /** Sends every whole frame of `data` (after what was left over), keeping the rest. */
  async push(data: Uint8Array): Promise<void> {
    let pending = data;
    if (this.remainder.byteLength > 0) {
      pending = new Uint8Array(this.remainder.byteLength + data.byteLength);
      pending.set(this.remainder);
      pending.set(data, this.remainder.byteLength);
    }
    let offset = 0;
    while (pending.byteLength - offset >= this.frameBytes) {
      await this.sendFrame(pending.slice(offset, offset + this.frameBytes));
      offset += this.frameBytes;
    }
    this.remainder = pending.slice(offset);
  }

  /** Sends what is left (a short last frame), and ends the stretch of speech. */
  async flush(): Promise<void> {
    const last = this.remainder;
    this.remainder = new Uint8Array(0);
    if (last.byteLength > 0) await this.sendFrame(last);
    this.nextDueAtWallMs = undefined;
  }

  /** Drops what is left without sending it (the call ended). */
  reset(): void {
    this.remainder = new Uint8Array(0);
    this.nextDueAtWallMs = undefined;
  }

  private async sendFrame(frame: Uint8Array): Promise<void> {
    if (this.realtime) {
      const now = this.wallNowMs();
      const frameMs = wireDurationMs(frame.byteLength, this.format);
      // More than a frame late (the caller paused between messages): the stretch starts again now.
      // A little late (a slow send): keep the schedule, so pacing does not drift.
      const next = this.nextDueAtWallMs;
      const dueAt = next === undefined || now - next > frameMs ? now : next;
      if (dueAt > now) await delay(dueAt - now);
      this.nextDueAtWallMs = dueAt + frameMs;
    }
    await this.send(frame);
  }
}
