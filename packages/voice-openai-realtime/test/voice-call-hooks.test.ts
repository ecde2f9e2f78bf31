import { agent, succeed, user } from "@scenario/script";
import {
  type AgentAdapter,
  AgentRole,
  type InterruptionPlanner,
  type VoiceAudioChunk,
  type VoiceTimelineEvent,
} from "@scenario/spec";
import { syntheticSpeech } from "@scenario/testing/realtime";
import { concatPcm, voiceMessage } from "@scenario/voice";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openAIRealtimeAgent } from "../src";
import {
  fakeRealtimeServer,
  noiseAudio,
  runScenario,
  TEST_API_KEY,
  voiceRecordingOf,
} from "./realtime-test-helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Regroups chunks into segments: a new one starts where the speaker changes or the audio jumps. */
function rebuildSegments(
  chunks: readonly VoiceAudioChunk[],
): { speaker: string; startMs: number; audio: Uint8Array }[] {
  const segments: { speaker: string; startMs: number; endMs: number; parts: Uint8Array[] }[] = [];
  for (const chunk of chunks) {
    const last = segments.at(-1);
    if (last !== undefined && last.speaker === chunk.speaker && last.endMs === chunk.timestampMs) {
      last.parts.push(chunk.data);
    } else {
      segments.push({
        speaker: chunk.speaker,
        startMs: chunk.timestampMs,
        endMs: chunk.timestampMs,
        parts: [chunk.data],
      });
    }
    const current = segments.at(-1)!;
    current.endMs = chunk.timestampMs + (chunk.data.byteLength / 2 / 24_000) * 1000;
  }
  return segments.map(({ speaker, startMs, parts }) => ({ speaker, startMs, audio: concatPcm(parts) }));
}

/** A caller whose only part is to barge in on the agent's second reply after 500 ms of it. */
function plannedBargeIn(): AgentAdapter & InterruptionPlanner {
  let agentTurns = 0;
  return {
    role: AgentRole.USER,
    name: "planned barge-in",
    call: () => null,
    planInterruption: () => (++agentTurns === 2 ? { afterMs: 500 } : null),
  };
}

/** A call of three user turns; the agent's second reply is cut after 500 ms by a planned barge-in. */
async function runObservedCall(hooks: {
  onAudioChunk?: (chunk: VoiceAudioChunk) => void;
  onVoiceEvent?: (event: VoiceTimelineEvent) => void;
}) {
  const server = await fakeRealtimeServer({
    paceFactor: 4,
    chunkMs: 50,
    reply: [
      { transcript: "Hello, this is the bank.", audio: noiseAudio(600, 1) },
      {
        transcript: "Let me read you every one of our fees, starting with the first.",
        audio: noiseAudio(3000, 2),
      },
      { transcript: "Goodbye.", audio: noiseAudio(400, 3) },
    ],
  });
  const realtime = openAIRealtimeAgent({ url: server.url, apiKey: TEST_API_KEY });
  return runScenario(
    [realtime, plannedBargeIn()],
    [
      user(voiceMessage("user", syntheticSpeech("Hi there"), "Hi there")),
      agent(),
      user(voiceMessage("user", syntheticSpeech("What are the fees"), "What are the fees")),
      agent(),
      user(voiceMessage("user", syntheticSpeech("Stop, bye"), "Stop, bye")),
      agent(),
      succeed(),
    ],
    hooks,
  );
}

describe("onAudioChunk and onVoiceEvent against the fake Realtime server", () => {
  it("delivers every chunk of both sides, and they rebuild the recording's segments byte for byte", async () => {
    const chunks: VoiceAudioChunk[] = [];
    const { result, error } = await runObservedCall({ onAudioChunk: (chunk) => chunks.push(chunk) });
    expect(error).toBeUndefined();
    const recording = voiceRecordingOf(result);

    expect(chunks.every((chunk) => chunk.format === "pcm16-24khz")).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.speaker))).toEqual(new Set(["user", "agent"]));
    const rebuilt = rebuildSegments(chunks);
    expect(rebuilt.map(({ speaker, startMs }) => ({ speaker, startMs }))).toEqual(
      recording.segments.map(({ speaker, startMs }) => ({ speaker, startMs })),
    );
    expect(rebuilt.map((segment) => segment.audio)).toEqual(
      recording.segments.map((segment) => segment.audio),
    );
    // The cut reply is in it as heard (500 ms): the rebuild is of the recording, not of what was sent.
    const cut = recording.segments.filter((segment) => segment.transcriptTruncated === true);
    expect(cut).toHaveLength(1);
    expect(cut[0]?.audio).toEqual(noiseAudio(500, 2));
  });

  it("delivers the timeline's events, in the timeline's order, as they are recorded", async () => {
    const seen: VoiceTimelineEvent[] = [];
    const { result, error } = await runObservedCall({ onVoiceEvent: (event) => seen.push(event) });
    expect(error).toBeUndefined();
    const recording = voiceRecordingOf(result);

    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual(recording.timeline);
    expect(seen.find((event) => event.type === "user-interrupt")?.outcome).toBe("fired-after-speech");
    expect(seen.map((event) => event.type)).toContain("agent-started-speaking");
  });

  it("reports a throwing callback once and lets the run succeed with its full recording", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    let calls = 0;
    const { result, error } = await runObservedCall({
      onAudioChunk: () => {
        calls++;
        throw new Error("listener bug");
      },
      onVoiceEvent: () => {
        throw new Error("event listener bug");
      },
    });
    expect(error).toBeUndefined();
    expect(result?.status).toBe("SUCCESS");
    expect(calls).toBeGreaterThan(1);
    const messages = warn.mock.calls.map((call) => String(call[0]));
    expect(messages.filter((message) => message.includes("onAudioChunk"))).toHaveLength(1);
    expect(messages.filter((message) => message.includes("onVoiceEvent"))).toHaveLength(1);
    expect(messages.find((message) => message.includes("onAudioChunk"))).toContain("listener bug");
    expect(voiceRecordingOf(result).segments.length).toBeGreaterThanOrEqual(5);
  });
});
