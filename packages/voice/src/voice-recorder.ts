import {
  ConfigurationError,
  type VoiceRecording,
  type VoiceSegment,
  type VoiceSpeaker,
  type VoiceTimelineEvent,
  type VoiceWireAudio,
} from "@scenario/spec";
import { concatPcm, pcmDurationMsOfBytes } from "./pcm";
import { computeLatencyMetrics } from "./voice-latency";

/** Options of `createVoiceRecorder()`. */
export interface VoiceRecorderOptions {
  /**
   * The clock, in milliseconds; only differences matter. Inject one to test timing exactly.
   * @default performance.now
   */
  clock?: () => number;
  /** Sees every piece of audio a segment records, with its speaker and start on the call's timeline. */
  onAudio?: (speaker: VoiceSpeaker, pcm: Uint8Array, atMs: number) => void;
  /** Sees every timeline event as it is recorded (the stored object). */
  onEvent?: (event: VoiceTimelineEvent) => void;
}

/** Options of `VoiceSegmentRecorder.end()`. */
export interface EndSegmentOptions {
  /** When the speech ended, in milliseconds since the call started. @default now */
  atMs?: number;
  /** A barge-in cut this segment: its transcript covers only what was heard. @default false */
  truncated?: boolean;
  /** The segment's transcript, replacing the deltas appended so far. */
  transcript?: string;
  /** The voice style the segment was spoken in, when one was set (user segments). */
  voiceStyle?: string;
  /** The audio as it crossed a transport's wire, when that was not 24 kHz mono PCM16. */
  wireAudio?: VoiceWireAudio;
}

/** One segment being recorded: append its audio as it streams, then end it. */
export interface VoiceSegmentRecorder {
  /** Adds audio (24 kHz PCM16) and, optionally, a piece of transcript. Ignored once ended. */
  append(pcm: Uint8Array, transcriptDelta?: string): void;
  /**
   * Ends the segment, adds the `<speaker>-stopped-speaking` event and returns the segment. A
   * second call returns the same segment and changes nothing, so `finally` blocks may call it.
   */
  end(options?: EndSegmentOptions): VoiceSegment;
}

/** Records a voice call: segments of speech, a timeline of events and latency measurements. */
export interface VoiceRecorder {
  /** Milliseconds since the recorder was created (the start of the call). */
  elapsedMs(): number;
  /**
   * Starts a segment of speech and adds the `<speaker>-started-speaking` event.
   * @param atMs When the speech started. @default now
   */
  beginSegment(speaker: VoiceSpeaker, atMs?: number): VoiceSegmentRecorder;
  /**
   * Adds an event to the timeline (a user interrupt, a tool call) and returns the stored copy, which
   * `recordInterruptResponse()` can complete later.
   */
  addEvent(event: VoiceTimelineEvent): VoiceTimelineEvent;
  /** Records one agent turn's time from the end of the user's audio to the agent's first audio. */
  recordTimeToFirstAudio(ms: number): void;
  /**
   * Records one barge-in's time from the interrupt to the end of the agent's audio; with the
   * `user-interrupt` event `addEvent()` returned, also sets that event's `details.responseMs`.
   */
  recordInterruptResponse(ms: number, interruptEvent?: VoiceTimelineEvent): void;
  /**
   * A snapshot of the recording: ended segments by start time, the timeline by time (ties keep
   * insertion order), and latency metrics. Segments still open are not included.
   */
  toRecording(): VoiceRecording;
}

function assertMilliseconds(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(`${name} must be a number of milliseconds >= 0, got ${value}.`);
  }
}

/**
 * Creates a recorder for one voice call. Voice adapters feed it as audio flows; the recording
 * goes to `ScenarioResult.artifacts.voice` and can be saved with `saveVoiceRecording()`.
 */
export function createVoiceRecorder(options: VoiceRecorderOptions = {}): VoiceRecorder {
  const clock = options.clock ?? (() => performance.now());
  const startedAt = clock();
  const segments: VoiceSegment[] = [];
  const timeline: VoiceTimelineEvent[] = [];
  const timeToFirstAudioMs: number[] = [];
  const interruptResponseTimesMs: number[] = [];
  const elapsedMs = () => Math.max(0, clock() - startedAt);

  return {
    elapsedMs,
    beginSegment(speaker, atMs) {
      const startMs = atMs ?? elapsedMs();
      assertMilliseconds("beginSegment(atMs)", startMs);
      const started: VoiceTimelineEvent = { type: `${speaker}-started-speaking`, atMs: startMs };
      timeline.push(started);
      options.onEvent?.(started);
      const chunks: Uint8Array[] = [];
      let recordedBytes = 0;
      let transcript = "";
      let ended: VoiceSegment | undefined;
      return {
        append(pcm, transcriptDelta) {
          if (ended) return;
          // Copied: callers often reuse or transfer the buffers they stream.
          const copy = pcm.slice();
          chunks.push(copy);
          options.onAudio?.(speaker, copy, startMs + pcmDurationMsOfBytes(recordedBytes));
          recordedBytes += copy.byteLength;
          if (transcriptDelta) transcript += transcriptDelta;
        },
        end(endOptions = {}) {
          if (ended) return ended;
          const endMs = Math.max(startMs, endOptions.atMs ?? elapsedMs());
          assertMilliseconds("end(atMs)", endMs);
          const finalTranscript = endOptions.transcript ?? transcript;
          const segment: VoiceSegment = { speaker, startMs, endMs, audio: concatPcm(chunks) };
          if (finalTranscript !== "") segment.transcript = finalTranscript;
          if (endOptions.truncated) segment.transcriptTruncated = true;
          if (endOptions.voiceStyle !== undefined) segment.voiceStyle = endOptions.voiceStyle;
          if (endOptions.wireAudio !== undefined) segment.wireAudio = endOptions.wireAudio;
          ended = segment;
          segments.push(segment);
          const stopped: VoiceTimelineEvent = { type: `${speaker}-stopped-speaking`, atMs: endMs };
          timeline.push(stopped);
          options.onEvent?.(stopped);
          return segment;
        },
      };
    },
    addEvent(event) {
      assertMilliseconds("addEvent(event.atMs)", event.atMs);
      const stored = { ...event };
      timeline.push(stored);
      options.onEvent?.(stored);
      return stored;
    },
    recordTimeToFirstAudio(ms) {
      assertMilliseconds("recordTimeToFirstAudio(ms)", ms);
      timeToFirstAudioMs.push(ms);
    },
    recordInterruptResponse(ms, interruptEvent) {
      assertMilliseconds("recordInterruptResponse(ms)", ms);
      interruptResponseTimesMs.push(ms);
      if (interruptEvent !== undefined) {
        interruptEvent.details = { ...interruptEvent.details, responseMs: Math.round(ms) };
      }
    },
    toRecording() {
      return {
        segments: segments
          .map((segment, index) => ({ segment, index }))
          .sort((left, right) => left.segment.startMs - right.segment.startMs || left.index - right.index)
          .map(({ segment }) => ({ ...segment })),
        timeline: timeline
          .map((event, index) => ({ event, index }))
          .sort((left, right) => left.event.atMs - right.event.atMs || left.index - right.index)
          .map(({ event }) => ({ ...event })),
        latency: computeLatencyMetrics(timeToFirstAudioMs, interruptResponseTimesMs),
      };
    },
  };
}
