import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createVoiceRecorder,
  mixVoiceRecording,
  pcmDurationMs,
  pcmToSamples,
  samplesToPcm,
  saveVoiceRecording,
  type VoiceRecordingManifest,
  wavInfo,
  wavToPcm,
} from "./index";
import { sineTone } from "./test-signals";

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function temporaryDirectory(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "scenario-voice-"));
  directories.push(dir);
  return dir;
}

function recordCall() {
  let now = 0;
  const recorder = createVoiceRecorder({ clock: () => now });
  const user = recorder.beginSegment("user", 0);
  user.append(sineTone(300, 500), "What is my balance?");
  user.end({ atMs: 500 });
  const agent = recorder.beginSegment("agent", 800);
  agent.append(sineTone(600, 1200), "Your balance is");
  // The user barges in at 1500 ms, while the agent is still speaking.
  const bargeIn = recorder.beginSegment("user", 1500);
  bargeIn.append(sineTone(900, 400), "Wait");
  agent.end({ atMs: 2000, truncated: true });
  bargeIn.end({ atMs: 1900 });
  recorder.recordTimeToFirstAudio(300);
  now = 2000;
  return recorder.toRecording();
}

describe("saveVoiceRecording", () => {
  it("writes a call WAV, per-segment WAVs whose durations match, and a manifest", async () => {
    const recording = recordCall();
    const dir = await temporaryDirectory();
    const saved = await saveVoiceRecording(recording, dir);

    expect(saved.segmentFiles.map((file) => file.slice(dir.length + 1))).toEqual([
      "segment-001-user.wav",
      "segment-002-agent.wav",
      "segment-003-user.wav",
    ]);
    for (const [index, file] of saved.segmentFiles.entries()) {
      const segment = recording.segments[index]!;
      const info = wavInfo(await readFile(file));
      expect(info.sampleRate).toBe(24_000);
      expect(info.channels).toBe(1);
      expect(info.durationMs).toBeCloseTo(pcmDurationMs(segment.audio), 3);
    }

    const callInfo = wavInfo(await readFile(saved.callFile));
    const lastEndMs = Math.max(...recording.segments.map((segment) => segment.endMs));
    expect(callInfo.durationMs).toBeCloseTo(lastEndMs, 0);

    const manifest = JSON.parse(await readFile(saved.manifestFile, "utf8")) as VoiceRecordingManifest;
    expect(manifest.callFile).toBe("call.wav");
    expect(manifest.segments[1]).toEqual({
      speaker: "agent",
      startMs: 800,
      endMs: 2000,
      audioDurationMs: 1200,
      file: "segment-002-agent.wav",
      transcript: "Your balance is",
      transcriptTruncated: true,
    });
    expect(JSON.stringify(manifest)).not.toContain('"audio"');
    expect(manifest.timeline).toEqual(recording.timeline);
    expect(manifest.latency.timeToFirstAudioMs).toEqual([300]);
  });

  it("places segments at their start on a silent track", async () => {
    const recording = recordCall();
    const dir = await temporaryDirectory();
    const saved = await saveVoiceRecording(recording, dir);
    const call = pcmToSamples(wavToPcm(await readFile(saved.callFile)));
    const at = (ms: number) => (ms * 24_000) / 1000;
    // 500-800 ms is the pause between the user's question and the agent's answer.
    expect(call.subarray(at(500), at(800)).every((sample) => sample === 0)).toBe(true);
    expect(Array.from(call.subarray(at(800), at(800) + 50))).toEqual(
      Array.from(pcmToSamples(recording.segments[1]!.audio).subarray(0, 50)),
    );
  });

  it("mixes overlapping speech by summing, clipped to 16 bits", () => {
    const loud = samplesToPcm([30_000, 30_000, -30_000]);
    const mixed = mixVoiceRecording({
      segments: [
        { speaker: "agent", startMs: 0, endMs: 0, audio: loud },
        { speaker: "user", startMs: 0, endMs: 0, audio: samplesToPcm([5000, -100, -30_000]) },
      ],
      timeline: [],
      latency: { timeToFirstAudioMs: [], interruptResponseTimesMs: [] },
    });
    expect(Array.from(pcmToSamples(mixed))).toEqual([32_767, 29_900, -32_768]);
  });
});
