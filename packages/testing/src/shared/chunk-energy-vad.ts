// The energy VAD the ElevenLabs and Twilio fakes run on the caller's audio, one chunk (or frame) at
// a time. Internal: each fake re-exports the options under its own name. It takes each chunk's RMS
// rather than its bytes, so it knows no codec and shared/ never loads @scenario/voice.

/** Options of a fake's energy VAD on the caller's audio. */
export interface ChunkVadOptions {
  /**
   * A chunk whose RMS (0..1 of full scale) is above this is speech.
   * @default 0.01
   */
  rmsThreshold?: number;
  /**
   * Milliseconds of silence (in the caller's audio) that end speech.
   * @default 500
   */
  silenceDurationMs?: number;
  /**
   * Milliseconds of continuous speech before speech counts as started (ignores clicks).
   * @default 40
   */
  minSpeechMs?: number;
}

/**
 * Finds the caller's speech in a stream of audio chunks by their energy: decisions in audio time
 * (the chunks' lengths), the log on the wall clock.
 */
export class ChunkEnergyVad {
  private speaking = false;
  /** Milliseconds of audio in the current run of voiced chunks. */
  voicedRunMs = 0;
  private silenceMs = 0;
  private runStartedAtMs = 0;
  /** When the current speech's first voiced chunk arrived. */
  speechStartedAtMs = 0;
  /** When the last voiced chunk arrived. */
  lastVoicedAtMs = 0;

  constructor(private readonly options: Required<ChunkVadOptions>) {}

  /** Feeds one chunk (its RMS and length) that arrived at `nowMs`; returns the boundary it completes. */
  push(rms: number, chunkMs: number, nowMs: number): "speech_started" | "speech_stopped" | undefined {
    if (rms > this.options.rmsThreshold) {
      if (this.voicedRunMs === 0) this.runStartedAtMs = nowMs;
      this.voicedRunMs += chunkMs;
      this.silenceMs = 0;
      this.lastVoicedAtMs = nowMs;
      if (!this.speaking && this.voicedRunMs >= this.options.minSpeechMs) {
        this.speaking = true;
        this.speechStartedAtMs = this.runStartedAtMs;
        return "speech_started";
      }
      return undefined;
    }
    this.voicedRunMs = 0;
    if (!this.speaking) return undefined;
    this.silenceMs += chunkMs;
    if (this.silenceMs < this.options.silenceDurationMs) return undefined;
    this.speaking = false;
    return "speech_stopped";
  }
}
