import { describe, expect, it } from "vitest";
import { computeLatencyMetrics, createVoiceRecorder, percentileNearestRank, samplesToPcm } from "./index";

function manualClock(startMs = 1000) {
  let now = startMs;
  return {
    clock: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe("createVoiceRecorder", () => {
  it("measures elapsed time from its creation with the injected clock", () => {
    const time = manualClock(5000);
    const recorder = createVoiceRecorder({ clock: time.clock });
    expect(recorder.elapsedMs()).toBe(0);
    time.advance(250);
    expect(recorder.elapsedMs()).toBe(250);
  });

  it("records segments with audio, transcript deltas and speaking events", () => {
    const time = manualClock();
    const recorder = createVoiceRecorder({ clock: time.clock });
    const user = recorder.beginSegment("user");
    user.append(samplesToPcm([1, 2]), "Hello ");
    user.append(samplesToPcm([3]), "there");
    time.advance(400);
    const userSegment = user.end();
    expect(userSegment).toMatchObject({ speaker: "user", startMs: 0, endMs: 400, transcript: "Hello there" });
    expect(Array.from(userSegment.audio)).toEqual(Array.from(samplesToPcm([1, 2, 3])));

    const agent = recorder.beginSegment("agent", 600);
    agent.append(samplesToPcm([9]));
    const agentSegment = agent.end({ atMs: 900, truncated: true, transcript: "Sure, I can" });
    expect(agentSegment).toMatchObject({
      speaker: "agent",
      startMs: 600,
      endMs: 900,
      transcriptTruncated: true,
    });
    expect(agentSegment.transcript).toBe("Sure, I can");

    const recording = recorder.toRecording();
    expect(recording.segments.map((segment) => segment.speaker)).toEqual(["user", "agent"]);
    expect(recording.timeline).toEqual([
      { type: "user-started-speaking", atMs: 0 },
      { type: "user-stopped-speaking", atMs: 400 },
      { type: "agent-started-speaking", atMs: 600 },
      { type: "agent-stopped-speaking", atMs: 900 },
    ]);
  });

  it("copies appended audio, so callers may reuse their buffers", () => {
    const recorder = createVoiceRecorder({ clock: manualClock().clock });
    const segment = recorder.beginSegment("agent");
    const buffer = samplesToPcm([7]);
    segment.append(buffer);
    buffer.fill(0);
    expect(Array.from(segment.end().audio)).toEqual(Array.from(samplesToPcm([7])));
  });

  it("ends a segment once: a second end returns the same segment and adds no event", () => {
    const recorder = createVoiceRecorder({ clock: manualClock().clock });
    const segment = recorder.beginSegment("user", 0);
    const first = segment.end({ atMs: 100 });
    segment.append(samplesToPcm([1]));
    expect(segment.end({ atMs: 500 })).toBe(first);
    const recording = recorder.toRecording();
    expect(recording.segments).toHaveLength(1);
    expect(recording.segments[0]?.audio.byteLength).toBe(0);
    expect(recording.timeline.filter((event) => event.type === "user-stopped-speaking")).toHaveLength(1);
  });

  it("sorts overlapping segments by start and events by time, and keeps added events", () => {
    const time = manualClock();
    const recorder = createVoiceRecorder({ clock: time.clock });
    const agent = recorder.beginSegment("agent", 100);
    const user = recorder.beginSegment("user", 300);
    recorder.addEvent({ type: "user-interrupt", atMs: 300, outcome: "fired-after-speech" });
    recorder.addEvent({ type: "tool-call", atMs: 50, toolName: "lookup", details: { id: "c1" } });
    user.end({ atMs: 800, voiceStyle: "impatient" });
    agent.end({ atMs: 400, truncated: true });
    const recording = recorder.toRecording();
    expect(recording.segments.map((segment) => segment.speaker)).toEqual(["agent", "user"]);
    expect(recording.segments[1]?.voiceStyle).toBe("impatient");
    expect(recording.timeline.map((event) => `${event.type}@${event.atMs}`)).toEqual([
      "tool-call@50",
      "agent-started-speaking@100",
      "user-started-speaking@300",
      "user-interrupt@300",
      "agent-stopped-speaking@400",
      "user-stopped-speaking@800",
    ]);
  });

  it("computes latency: per-turn times, average, nearest-rank p50/p95, interrupt response times", () => {
    const recorder = createVoiceRecorder({ clock: manualClock().clock });
    for (const ms of [300, 100, 200, 500, 400]) recorder.recordTimeToFirstAudio(ms);
    recorder.recordInterruptResponse(80);
    expect(recorder.toRecording().latency).toEqual({
      timeToFirstAudioMs: [300, 100, 200, 500, 400],
      averageMs: 300,
      p50Ms: 300,
      p95Ms: 500,
      interruptResponseTimesMs: [80],
      timeToFirstByte: 300,
      averageResponseTime: 300,
      p50ResponseTime: 300,
      p95ResponseTime: 500,
      interruptResponseTime: 80,
    });
  });

  it("leaves the summary out when there were no turns", () => {
    expect(createVoiceRecorder().toRecording().latency).toEqual({
      timeToFirstAudioMs: [],
      interruptResponseTimesMs: [],
    });
  });

  it("rejects negative or non-finite times", () => {
    const recorder = createVoiceRecorder();
    expect(() => recorder.recordTimeToFirstAudio(-1)).toThrow(
      /recordTimeToFirstAudio\(ms\) must be a number of milliseconds >= 0, got -1/,
    );
    expect(() => recorder.addEvent({ type: "tool-call", atMs: Number.NaN })).toThrow(/atMs/);
  });
});

describe("percentileNearestRank", () => {
  it("picks measured values by nearest rank", () => {
    const twenty = Array.from({ length: 20 }, (_, index) => index + 1);
    expect(percentileNearestRank(twenty, 95)).toBe(19);
    expect(percentileNearestRank(twenty, 50)).toBe(10);
    expect(percentileNearestRank([7], 95)).toBe(7);
    expect(percentileNearestRank([], 50)).toBeUndefined();
    expect(percentileNearestRank([1, 2, 3, 4], 50)).toBe(2);
    // Rank ceil(0.95 x 11) = 11: the maximum, not the 10th value that rounding would pick.
    const eleven = Array.from({ length: 11 }, (_, index) => (index + 1) * 10);
    expect(percentileNearestRank(eleven, 95)).toBe(110);
    expect(percentileNearestRank([50, 10, 40, 20, 30], 50)).toBe(30);
  });

  it("is used for the latency summary", () => {
    expect(computeLatencyMetrics([10, 20, 30, 40]).p50Ms).toBe(20);
  });
});
