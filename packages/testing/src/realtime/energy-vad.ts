import { concatPcm, pcmByteLength, pcmDurationMsOfBytes, rmsEnergy } from "@scenario/voice";

/** Options of the energy-based stand-in for the Realtime API's server VAD. */
export interface EnergyVadOptions {
  /**
   * A frame whose RMS (0..1 of full scale) is above this is speech. The session's `threshold` is a
   * model probability on the real API, so it is not used here.
   * @default 0.01
   */
  rmsThreshold?: number;
  /**
   * Milliseconds of silence that end speech, unless the session's `turn_detection.silence_duration_ms`
   * says otherwise.
   * @default 500
   */
  silenceDurationMs?: number;
  /**
   * Milliseconds of continuous speech needed before speech counts as started (ignores clicks).
   * @default 40
   */
  minSpeechMs?: number;
  /**
   * Milliseconds of audio per analysis frame.
   * @default 20
   */
  frameMs?: number;
}

/** A speech boundary found by the VAD, in the timeline of all audio appended to the connection. */
export interface VadBoundary {
  /** What happened. */
  type: "speech_started" | "speech_stopped";
  /** For starts: where speech began; for stops: where the last speech frame ended. */
  audioMs: number;
  /** Byte offset (in all appended audio) at which the boundary was decided. */
  decidedAtByte: number;
}

/** Tracks speech over a stream of PCM16 24 kHz appends by frame RMS. */
export class EnergyVad {
  private readonly frameBytes: number;
  private leftover: Uint8Array = new Uint8Array(0);
  private processedBytes = 0;
  private speaking = false;
  private voicedRunMs = 0;
  private voicedRunStartMs = 0;
  private lastVoicedEndMs = 0;

  constructor(
    private readonly options: Required<EnergyVadOptions>,
    private silenceDurationMs: number,
  ) {
    this.frameBytes = pcmByteLength(options.frameMs);
  }

  /** Changes the silence that ends speech (a `session.update` may change it mid-call). */
  setSilenceDurationMs(silenceDurationMs: number): void {
    this.silenceDurationMs = silenceDurationMs;
  }

  /** Feeds appended audio and returns the boundaries it completes, in order. */
  push(pcm: Uint8Array): VadBoundary[] {
    const boundaries: VadBoundary[] = [];
    const data = this.leftover.byteLength > 0 ? concatPcm([this.leftover, pcm]) : pcm;
    let offset = 0;
    while (data.byteLength - offset >= this.frameBytes) {
      const frame = data.subarray(offset, offset + this.frameBytes);
      offset += this.frameBytes;
      const frameStartMs = pcmDurationMsOfBytes(this.processedBytes);
      this.processedBytes += this.frameBytes;
      const frameEndMs = pcmDurationMsOfBytes(this.processedBytes);
      const voiced = rmsEnergy(frame) > this.options.rmsThreshold;
      if (voiced) {
        if (this.voicedRunMs === 0) this.voicedRunStartMs = frameStartMs;
        this.voicedRunMs += this.options.frameMs;
        this.lastVoicedEndMs = frameEndMs;
        if (!this.speaking && this.voicedRunMs >= this.options.minSpeechMs) {
          this.speaking = true;
          boundaries.push({
            type: "speech_started",
            audioMs: this.voicedRunStartMs,
            decidedAtByte: this.processedBytes,
          });
        }
      } else {
        this.voicedRunMs = 0;
        if (this.speaking && frameEndMs - this.lastVoicedEndMs >= this.silenceDurationMs) {
          this.speaking = false;
          boundaries.push({
            type: "speech_stopped",
            audioMs: this.lastVoicedEndMs,
            decidedAtByte: this.processedBytes,
          });
        }
      }
    }
    this.leftover = data.slice(offset);
    return boundaries;
  }

  /** Forgets partial speech (after `input_audio_buffer.clear` or a manual commit). */
  reset(): void {
    this.speaking = false;
    this.voicedRunMs = 0;
  }
}
