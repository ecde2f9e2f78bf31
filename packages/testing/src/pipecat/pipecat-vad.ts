import { rmsEnergy } from "@scenario/voice";

/** Options of the fake bot's energy VAD (its stand-in for Pipecat's Silero VAD analyzer). */
export interface PipecatVadOptions {
  /**
   * A frame whose RMS (0..1 of full scale) is above this is speech.
   * @default 0.01
   */
  rmsThreshold?: number;
  /**
   * Milliseconds of audio-time silence that end the user's speech (Pipecat's `VADParams.stop_secs`).
   * @default 800
   */
  silenceDurationMs?: number;
  /**
   * Milliseconds of continuous speech before speech counts as started (`VADParams.start_secs`);
   * a barge-in is heard this long after it begins.
   * @default 200
   */
  minSpeechMs?: number;
  /**
   * Milliseconds of audio per analysis frame.
   * @default 20
   */
  frameMs?: number;
}

/** A speech boundary, in the audio timeline of one connection. */
export interface PipecatVadBoundary {
  type: "speech_started" | "speech_stopped";
  /** Byte offset (in all audio received at the current rate) at which the boundary was decided. */
  decidedAtByte: number;
}

/**
 * Tracks speech in a stream of PCM16 mono audio by frame RMS. It counts audio time, not wall
 * time, like a VAD analysing frames as they arrive: audio sent faster than real time is judged
 * just as fast.
 */
export class PipecatVad {
  private readonly options: Required<PipecatVadOptions>;
  private readonly frameBytes: number;
  private leftover = new Uint8Array(0);
  private processedBytes = 0;
  private speaking = false;
  private voicedRunMs = 0;
  private silentRunMs = 0;

  constructor(options: Required<PipecatVadOptions>, sampleRate: number) {
    this.options = options;
    this.frameBytes = Math.max(2, Math.round((options.frameMs * sampleRate) / 1000) * 2);
  }

  /** Feeds audio and returns the boundaries it completes, in order. */
  push(pcm: Uint8Array): PipecatVadBoundary[] {
    const boundaries: PipecatVadBoundary[] = [];
    let data = pcm;
    if (this.leftover.byteLength > 0) {
      data = new Uint8Array(this.leftover.byteLength + pcm.byteLength);
      data.set(this.leftover);
      data.set(pcm, this.leftover.byteLength);
    }
    let offset = 0;
    while (data.byteLength - offset >= this.frameBytes) {
      const frame = data.subarray(offset, offset + this.frameBytes);
      offset += this.frameBytes;
      this.processedBytes += this.frameBytes;
      if (rmsEnergy(frame) > this.options.rmsThreshold) {
        this.voicedRunMs += this.options.frameMs;
        this.silentRunMs = 0;
        if (!this.speaking && this.voicedRunMs >= this.options.minSpeechMs) {
          this.speaking = true;
          boundaries.push({ type: "speech_started", decidedAtByte: this.processedBytes });
        }
      } else {
        this.voicedRunMs = 0;
        this.silentRunMs += this.options.frameMs;
        if (this.speaking && this.silentRunMs >= this.options.silenceDurationMs) {
          this.speaking = false;
          boundaries.push({ type: "speech_stopped", decidedAtByte: this.processedBytes });
        }
      }
    }
    this.leftover = data.slice(offset);
    return boundaries;
  }
}
