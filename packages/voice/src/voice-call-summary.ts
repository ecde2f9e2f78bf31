import { ConfigurationError, VOICE_SAMPLE_RATE, type VoiceRecording } from "@scenario/spec";
import { pcmToBase64 } from "./pcm";
import { resamplePcm } from "./resample-pcm";
import { mixVoiceRecording } from "./save-voice-recording";
import { computeLatencyMetrics, type VoiceLatencySummary } from "./voice-latency";
import { pcmToWav } from "./wav";

/** One agent turn of a call, as reports show it. */
export interface VoiceCallTurnSummary {
  /** The turn, counted from 1. */
  turn: number;
  /** From the end of the caller's audio to the agent's first audio, in milliseconds. */
  timeToFirstAudioMs: number;
}

/** One barge-in of a call, as reports show it. */
export interface VoiceCallInterruptSummary {
  /** When the caller barged in, in milliseconds since the call started. */
  atMs: number;
  /** What the barge-in achieved ("fired-after-speech", ...). */
  outcome: string;
  /** How long the agent took to stop, in milliseconds, when it was measured. */
  responseMs?: number;
}

/**
 * A call's recording without its audio bytes: plain JSON, so it travels with the run-finished event
 * to reporters (the HTML report draws its latency strip and audio player from it, as
 * `artifacts.voiceCall`).
 */
export interface VoiceCallSummary {
  /** How long the call lasted, in milliseconds (the end of its last segment). */
  durationMs: number;
  /** The agent's turns with their time to first audio, in order. */
  turns: VoiceCallTurnSummary[];
  /** The barge-ins, in order. */
  interrupts: VoiceCallInterruptSummary[];
  /** The latency summary, also under the reference's names. */
  latency: VoiceLatencySummary;
  /**
   * The call's audio for a player: a WAV file's path relative to the report, or a `data:audio/wav`
   * URL when the summary embeds it. Absent when neither was asked for.
   */
  audioSrc?: string;
}

/** Options of `voiceCallSummary()`. */
export interface VoiceCallSummaryOptions {
  /**
   * A saved WAV of the call (`saveVoiceRecording()`'s `callFile`), relative to where the report is
   * written, for the report's audio player. Must be a relative path: reports load nothing else.
   */
  audioFile?: string;
  /**
   * Embeds the whole call as an 8 kHz WAV `data:` URL (about 21 kB a second once encoded), so the
   * report plays it with no file beside it. Ignored when `audioFile` is given.
   * @default false
   */
  embedAudio?: boolean;
}

/** The sample rate of embedded call audio: telephone quality keeps the report small. */
const EMBEDDED_SAMPLE_RATE = 8000;

/** A path a report may load from beside itself: relative, without a scheme, not climbing out. */
function isSafeRelativePath(path: string): boolean {
  return (
    path !== "" &&
    !/^[a-z][a-z0-9+.-]*:/i.test(path) &&
    !path.startsWith("/") &&
    !path.startsWith("\\") &&
    !path.split(/[\\/]/).includes("..")
  );
}

/** Summarises a call's recording as plain JSON for reports (`artifacts.voiceCall`). */
export function voiceCallSummary(
  recording: VoiceRecording,
  options: VoiceCallSummaryOptions = {},
): VoiceCallSummary {
  if (options.audioFile !== undefined && !isSafeRelativePath(options.audioFile)) {
    throw new ConfigurationError(
      `voiceCallSummary(): audioFile must be a path relative to the report, without "..", got ${JSON.stringify(options.audioFile)}.`,
    );
  }
  const { latency } = recording;
  const summary: VoiceCallSummary = {
    durationMs: recording.segments.reduce((end, segment) => Math.max(end, segment.endMs), 0),
    turns: latency.timeToFirstAudioMs.map((ms, index) => ({ turn: index + 1, timeToFirstAudioMs: ms })),
    interrupts: recording.timeline
      .filter((event) => event.type === "user-interrupt")
      .map((event) => {
        const responseMs = event.details?.responseMs;
        return {
          atMs: event.atMs,
          outcome: event.outcome ?? "fired-after-speech",
          ...(typeof responseMs === "number" && { responseMs }),
        };
      }),
    latency: computeLatencyMetrics(latency.timeToFirstAudioMs, latency.interruptResponseTimesMs),
  };
  if (options.audioFile !== undefined) summary.audioSrc = options.audioFile;
  else if (options.embedAudio && recording.segments.length > 0) {
    const pcm = resamplePcm(mixVoiceRecording(recording), VOICE_SAMPLE_RATE, EMBEDDED_SAMPLE_RATE);
    summary.audioSrc = `data:audio/wav;base64,${pcmToBase64(pcmToWav(pcm, EMBEDDED_SAMPLE_RATE))}`;
  }
  return summary;
}
