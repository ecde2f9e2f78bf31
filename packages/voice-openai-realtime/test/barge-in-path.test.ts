import { agent, succeed, user } from "@scenario/script";
import {
  type AgentAdapter,
  AgentRole,
  type InterruptionPlanner,
  type VoiceRecording,
  type VoiceTimelineEvent,
} from "@scenario/spec";
import { syntheticSpeech } from "@scenario/testing/realtime";
import { voiceMessage } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { openAIRealtimeAgent } from "../src";
import {
  fakeRealtimeServer,
  noiseAudio,
  runScenario,
  TEST_API_KEY,
  voiceRecordingOf,
} from "./realtime-test-helpers";

// The interrupt path, detail by detail, against the fake Realtime server: what the caller's audio,
// the agent's pending turn and the recording look like after a barge-in.

function typesOf(timeline: readonly VoiceTimelineEvent[]): string[] {
  return timeline.map((event) => (event.outcome ? `${event.type}:${event.outcome}` : event.type));
}

/** A caller whose only part is to barge in on the agent's replies in the turns listed (1-based). */
function plannedBargeIns(afterMsByTurn: Record<number, number>): AgentAdapter & InterruptionPlanner {
  let agentTurns = 0;
  return {
    role: AgentRole.USER,
    name: "planned barge-ins",
    call: () => null,
    planInterruption: () => {
      const afterMs = afterMsByTurn[++agentTurns];
      return afterMs === undefined ? null : { afterMs };
    },
  };
}

describe("the barge-in path", () => {
  it("before the agent speaks: sends the caller's audio at once, once, and records it as the interrupt's segment", async () => {
    const server = await fakeRealtimeServer({
      paceFactor: Number.POSITIVE_INFINITY,
      // The first entry goes to the stalled response, which never speaks it.
      reply: ["Never said.", { transcript: "Sure, goodbye.", audio: noiseAudio(400, 31) }],
    });
    // The first reply is created and then never speaks: only a barge-in can end it.
    server.injectFault({ type: "stall" });
    const first = syntheticSpeech("Tell me about fees");
    const second = syntheticSpeech("Never mind, goodbye");
    const { result, error } = await runScenario(
      [openAIRealtimeAgent({ url: server.url, apiKey: TEST_API_KEY, firstAudioTimeoutMs: 5000 })],
      [
        user(voiceMessage("user", first, "Tell me about fees")),
        agent({ wait: false }),
        // The server has opened the reply and stalls: the agent will not start speaking by itself.
        async () => {
          await server.waitForFrame("response.created");
        },
        user(voiceMessage("user", second, "Never mind, goodbye")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();
    expect(result?.status).toBe("SUCCESS");
    const recording: VoiceRecording = voiceRecordingOf(result);

    // The stalled reply was cancelled before any audio, and the caller spoke without waiting for it.
    expect(server.cancels).toHaveLength(1);
    expect(typesOf(recording.timeline)).toEqual([
      "user-started-speaking",
      "user-stopped-speaking",
      "user-interrupt:fired-before-speech",
      "user-started-speaking",
      "user-stopped-speaking",
      "agent-started-speaking",
      "agent-stopped-speaking",
    ]);

    // The server heard each utterance exactly once: the recovery turn resent nothing.
    expect(server.turns.map((turn) => turn.audio)).toEqual([first, second]);
    expect(server.responseCreateCount).toBe(2);

    // The interrupting speech is a user segment of its own, after the interrupt.
    const interrupt = recording.timeline.find((event) => event.type === "user-interrupt")!;
    expect(recording.segments.map((segment) => segment.speaker)).toEqual(["user", "user", "agent"]);
    const interrupting = recording.segments[1]!;
    expect(interrupting.audio).toEqual(second);
    expect(interrupting.transcript).toBe("Never mind, goodbye");
    expect(interrupting.startMs).toBeGreaterThanOrEqual(interrupt.atMs);
    expect(recording.segments.some((segment) => segment.transcriptTruncated)).toBe(false);
  });

  it("marks every agent segment spanning an interrupt transcriptTruncated, and no other", async () => {
    const replies = [noiseAudio(1500, 41), noiseAudio(600, 42), noiseAudio(1500, 43)];
    const server = await fakeRealtimeServer({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: [
        { transcript: "First, a long story about fees.", audio: replies[0] },
        { transcript: "Short answer.", audio: replies[1] },
        { transcript: "Another long story about rates.", audio: replies[2] },
      ],
    });
    const lines = ["One", "Two", "Three"].map((text) => voiceMessage("user", syntheticSpeech(text), text));
    const { result, error } = await runScenario(
      [openAIRealtimeAgent({ url: server.url, apiKey: TEST_API_KEY }), plannedBargeIns({ 1: 300, 3: 700 })],
      [user(lines[0]!), agent(), user(lines[1]!), agent(), user(lines[2]!), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    const recording = voiceRecordingOf(result);
    const interrupts = recording.timeline.filter((event) => event.type === "user-interrupt");
    expect(interrupts.map((event) => event.outcome)).toEqual(["fired-after-speech", "fired-after-speech"]);

    const agentSegments = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(agentSegments).toHaveLength(3);
    for (const segment of agentSegments) {
      const spansInterrupt = interrupts.some(
        (event) => event.atMs > segment.startMs && event.atMs <= segment.endMs,
      );
      expect(segment.transcriptTruncated === true).toBe(spansInterrupt);
    }
    expect(agentSegments.map((segment) => segment.transcriptTruncated === true)).toEqual([true, false, true]);
    // Cut exactly where the plan said, and the uninterrupted reply kept whole.
    expect(agentSegments.map((segment) => segment.audio)).toEqual([
      replies[0]!.subarray(0, 300 * 48),
      replies[1],
      replies[2]!.subarray(0, 700 * 48),
    ]);
  });
});
