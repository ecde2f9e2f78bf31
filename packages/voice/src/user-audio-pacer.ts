import type { VoiceAudioFormat } from "@scenario/spec";
import { delay } from "./call-clock";
import { wireByteLength, wireDurationMs } from "./wire-audio";

/**
 * How late a frame may be and still keep its stretch's schedule, in milliseconds. Later than that,
 * the audio given to the pacer paused (a caller streaming slower than it speaks): the stretch
 * starts again at that frame rather than rushing out everything it missed.
 */
const MAX_CATCH_UP_MS = 500;

/**
 * Sends the caller's audio to the transport in frames of the transport's size, and (for a transport
 * that needs `realtimeInput`) each frame when its time comes, as a microphone would: frame n of a
 * stretch of speech is due `n * frameMs` after the first, on the wall clock. A frame sent late (the
 * event loop was busy) does not move the frames after it: they catch up, so the audio never falls
 * behind real time for good. A remainder smaller than a frame waits for the next audio, or for
 * `flush()` at the end of the caller's speech.
 */
export class UserAudioPacer {
  private readonly send: (frame: Uint8Array) => Promise<void>;
  private readonly format: VoiceAudioFormat;
  private readonly frameBytes: number;
  private readonly realtime: boolean;
  private readonly wallNowMs: () => number;
  private readonly delay: (ms: number) => Promise<void>;
  private remainder: Uint8Array = new Uint8Array(0);
  /** Wall time the stretch's first frame was due, in real-time pacing; undefined between stretches. */
  private stretchStartWallMs: number | undefined;
  /** Milliseconds of audio sent in the stretch so far: the next frame is due this long after its start. */
  private stretchSentMs = 0;
  private lagMs = 0;

  constructor(options: {
    send: (frame: Uint8Array) => Promise<void>;
    format: VoiceAudioFormat;
    frameMs: number;
    realtime: boolean;
    wallNowMs: () => number;
    /** Waits on the same clock as `wallNowMs`. @default a timer */
    delay?: (ms: number) => Promise<void>;
  }) {
    this.send = options.send;
    this.format = options.format;
    this.frameBytes = Math.max(1, wireByteLength(options.frameMs, options.format));
    this.realtime = options.realtime;
    this.wallNowMs = options.wallNowMs;
    this.delay = options.delay ?? delay;
  }

  /** The latest any frame has left after its due time, in milliseconds (0 without real-time pacing). */
  get maxLagMs(): number {
    return this.lagMs;
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
    this.stretchStartWallMs = undefined;
  }

  /** Drops what is left without sending it (the call ended). */
  reset(): void {
    this.remainder = new Uint8Array(0);
    this.stretchStartWallMs = undefined;
  }

  private async sendFrame(frame: Uint8Array): Promise<void> {
    if (this.realtime) {
      const now = this.wallNowMs();
      // Due times come from the stretch's start and the audio sent since, never from the last
      // send, so lateness does not add up over a stretch.
      let dueAt = this.stretchStartWallMs === undefined ? now : this.stretchStartWallMs + this.stretchSentMs;
      if (this.stretchStartWallMs === undefined || now - dueAt > MAX_CATCH_UP_MS) {
        this.stretchStartWallMs = now;
        this.stretchSentMs = 0;
        dueAt = now;
      }
      if (dueAt > now) await this.delay(dueAt - now);
      this.lagMs = Math.max(this.lagMs, this.wallNowMs() - dueAt);
      this.stretchSentMs += wireDurationMs(frame.byteLength, this.format);
    }
    await this.send(frame);
  }
}
