import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  VOICE_SAMPLE_RATE,
  type VoiceLatencyMetrics,
  type VoiceRecording,
  type VoiceSpeaker,
  type VoiceTimelineEvent,
} from "@scenario/spec";
import { pcmByteLength, pcmDurationMs, pcmToSamples, samplesToPcm } from "./pcm";
import { pcmToWav } from "./wav";

/** The file name of the whole call's WAV in a saved recording. */
const CALL_FILE_NAME = "call.wav";
/** The file name of the manifest in a saved recording. */
const MANIFEST_FILE_NAME = "manifest.json";

/** A segment as the manifest lists it: everything but the audio bytes, plus its WAV file. */
export interface VoiceManifestSegment {
  /** Who spoke. */
  speaker: VoiceSpeaker;
  /** Milliseconds since the call started. */
  startMs: number;
  /** Milliseconds since the call started. */
  endMs: number;
  /** How long the segment's audio lasts, in milliseconds. */
  audioDurationMs: number;
  /** The segment's WAV file, relative to the manifest (`segment-001-user.wav`). */
  file: string;
  /** The words, when known. */
  transcript?: string;
  /** True when a barge-in cut the segment. */
  transcriptTruncated?: boolean;
  /** The voice style, when one was set. */
  voiceStyle?: string;
}

/** The `manifest.json` of a saved recording. */
export interface VoiceRecordingManifest {
  /** The sample rate of every WAV file, in Hz. */
  sampleRate: number;
  /** The whole call's WAV file, relative to the manifest. */
  callFile: string;
  /** How long the whole call's WAV lasts, in milliseconds. */
  callDurationMs: number;
  /** The segments, in order. */
  segments: VoiceManifestSegment[];
  /** What happened, in order. */
  timeline: VoiceTimelineEvent[];
  /** Latency measurements. */
  latency: VoiceLatencyMetrics;
}

/** Where `saveVoiceRecording()` wrote the files (absolute or relative as `dir` was given). */
export interface SavedVoiceRecording {
  /** The whole call's WAV. */
  callFile: string;
  /** One WAV per segment, in order. */
  segmentFiles: string[];
  /** The manifest. */
  manifestFile: string;
  /** The manifest's content. */
  manifest: VoiceRecordingManifest;
}

/**
 * Mixes the segments onto one silent track, each at its `startMs`; overlapping speech (a barge-in)
 * is summed and clipped. The track lasts until the last segment's end (or its audio's end, when
 * the audio runs longer than the wall-clock segment).
 */
export function mixVoiceRecording(recording: VoiceRecording): Uint8Array {
  let totalSamples = 0;
  for (const segment of recording.segments) {
    const endMs = Math.max(segment.endMs, segment.startMs + pcmDurationMs(segment.audio));
    totalSamples = Math.max(totalSamples, pcmByteLength(endMs) / 2);
  }
  const mix = new Int32Array(totalSamples);
  for (const segment of recording.segments) {
    const offset = pcmByteLength(segment.startMs) / 2;
    const samples = pcmToSamples(segment.audio);
    for (let index = 0; index < samples.length && offset + index < mix.length; index++) {
      mix[offset + index] = (mix[offset + index] ?? 0) + (samples[index] ?? 0);
    }
  }
  return samplesToPcm(mix);
}

/**
 * Saves a call recording into `dir` (created when missing): `call.wav` with the whole call,
 * `segment-001-user.wav`, `segment-002-agent.wav`... with each segment, and `manifest.json` with
 * the segments (without audio bytes, with their file names), the timeline and the latency.
 */
export async function saveVoiceRecording(
  recording: VoiceRecording,
  dir: string,
): Promise<SavedVoiceRecording> {
  await mkdir(dir, { recursive: true });
  const callPcm = mixVoiceRecording(recording);
  const callFile = join(dir, CALL_FILE_NAME);
  await writeFile(callFile, pcmToWav(callPcm));

  const segmentFiles: string[] = [];
  const manifestSegments: VoiceManifestSegment[] = [];
  const width = Math.max(3, String(recording.segments.length).length);
  for (const [index, segment] of recording.segments.entries()) {
    const fileName = `segment-${String(index + 1).padStart(width, "0")}-${segment.speaker}.wav`;
    const filePath = join(dir, fileName);
    await writeFile(filePath, pcmToWav(segment.audio));
    segmentFiles.push(filePath);
    const { audio, ...described } = segment;
    manifestSegments.push({ ...described, audioDurationMs: pcmDurationMs(audio), file: fileName });
  }

  const manifest: VoiceRecordingManifest = {
    sampleRate: VOICE_SAMPLE_RATE,
    callFile: CALL_FILE_NAME,
    callDurationMs: pcmDurationMs(callPcm),
    segments: manifestSegments,
    timeline: recording.timeline,
    latency: recording.latency,
  };
  const manifestFile = join(dir, MANIFEST_FILE_NAME);
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { callFile, segmentFiles, manifestFile, manifest };
}
