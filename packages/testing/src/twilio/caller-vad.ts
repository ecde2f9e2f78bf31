import { mulawRms } from "./mulaw";

/** Options of the fake bot's energy VAD on the caller's audio. */
export interface TwilioVadOptions {
  /**
   * A frame whose RMS (0..1 of full scale) is above this is speech.
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

/** μ-law bytes per millisecond at 8 kHz. */
const BYTES_PER_MS = 8;

/**
 * Finds the caller's speech in the stream of `media` frames by frame energy, timing it in audio
 * (the frames' lengths) for decisions and on the wall clock for the log.
 */
export class CallerVad {
  private speaking = false;
  /** Milliseconds of audio in the current run of voiced frames. */
  voicedRunMs = 0;
  private silenceMs = 0;
  private runStartedAtMs = 0;
  /** When the current speech's first voiced frame arrived. */
  speechStartedAtMs = 0;
  /** When the last voiced frame arrived. */
  lastVoicedAtMs = 0;

  constructor(private readonly options: Required<TwilioVadOptions>) {}

  /** Feeds one frame that arrived at `nowMs`; returns the boundary it completes, if any. */
  push(audio: Uint8Array, nowMs: number): "speech_started" | "speech_stopped" | undefined {
    const frameMs = audio.byteLength / BYTES_PER_MS;
    if (mulawRms(audio) > this.options.rmsThreshold) {
      if (this.voicedRunMs === 0) this.runStartedAtMs = nowMs;
      this.voicedRunMs += frameMs;
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
    this.silenceMs += frameMs;
    if (this.silenceMs < this.options.silenceDurationMs) return undefined;
    this.speaking = false;
    return "speech_stopped";
  }
}
