import { agent, sleep, succeed, user } from "@scenario/script";
import { describe, expect, it } from "vitest";
import { elevenLabsAgent } from "../src";
import {
  byteDifference,
  fakeElevenLabs,
  noisePcm16,
  runScenario,
  syntheticTts,
  voiceRecordingOf,
} from "./elevenlabs-test-helpers";

const LONG_REPLY = { transcript: "Let me read you all of our fees, one by one.", audio: noisePcm16(4000, 7) };
const SHORT_REPLY = { transcript: "Of course, stopping.", audio: noisePcm16(300, 8) };
// The agent step sends the caller's words at the pace of speech (1.3 s), the agent's VAD waits
// 300 ms and answers at once: 2.2 s after the step the agent has talked for about half a second.
const SCRIPT = [
  user("Tell me about the fees"),
  agent({ wait: false }),
  sleep(2200),
  user("Stop please"),
  agent(),
  succeed(),
];

describe("elevenLabsAgent: barge-in", () => {
  it("the agent's interruption cuts its reply; the cut reply's late audio is never recorded", async () => {
    const server = await fakeElevenLabs({
      vad: { silenceDurationMs: 300 },
      reply: [LONG_REPLY, SHORT_REPLY],
      // Audio of the cut reply already in flight: it arrives after the interruption.
      lateAudioChunks: 4,
    });
    const { result, error } = await runScenario(
      [elevenLabsAgent({ agentId: "agent_test", url: server.url, speech: syntheticTts, silenceTailMs: 600 })],
      SCRIPT,
    );
    expect(error).toBeUndefined();
    expect(result?.status).toBe("SUCCESS");
    const recording = voiceRecordingOf(result);

    // The agent heard the caller over its reply and interrupted itself.
    expect(server.interruptions).toHaveLength(1);
    const [interruption] = server.interruptions;
    expect(server.replies[0]!.outcome).toBe("interrupted");
    expect(interruption!.eventId).toBeGreaterThan(server.replies[0]!.eventId);
    // ...and corrected its words to what the caller heard: fewer of them, in order.
    const corrected = interruption!.correctedTranscript;
    expect(LONG_REPLY.transcript.startsWith(corrected)).toBe(true);
    expect(corrected.length).toBeLessThan(LONG_REPLY.transcript.length);
    expect(server.turns[1]).toMatchObject({ bargeIn: true });
    expect(server.replies[1]).toMatchObject({ transcript: SHORT_REPLY.transcript, outcome: "completed" });
    // The late audio really was sent, with the cut reply's event id.
    const late = server.sent.filter((frame) => frame.late === true);
    expect(late).toHaveLength(4);
    for (const frame of late) {
      expect((frame.message.audio_event as { event_id: number }).event_id).toBe(server.replies[0]!.eventId);
    }

    // Two agent segments: the cut reply and the answer, which starts with the answer's own audio.
    const agentSegments = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(agentSegments).toHaveLength(2);
    const [cut, answer] = agentSegments;
    expect(cut?.transcriptTruncated).toBe(true);
    const heardAudio = cut!.wireAudio!.data;
    expect(heardAudio.byteLength).toBeGreaterThan(0);
    expect(heardAudio.byteLength).toBeLessThanOrEqual(server.replies[0]!.sentBytes);
    expect(byteDifference(heardAudio, LONG_REPLY.audio.subarray(0, heardAudio.byteLength))).toBeUndefined();
    expect(answer?.transcriptTruncated).not.toBe(true);
    expect(byteDifference(answer!.wireAudio!.data, SHORT_REPLY.audio)).toBeUndefined();

    // The interrupt is timed from the caller's first frame to the agent's interruption.
    const interrupts = recording.timeline.filter((event) => event.type === "user-interrupt");
    expect(interrupts).toHaveLength(1);
    expect(recording.latency.interruptResponseTimesMs).toHaveLength(1);
    const [responseMs] = recording.latency.interruptResponseTimesMs;
    const serverMeasuredMs = interruption!.atMs - server.turns[1]!.speechStartedAtMs;
    // The driver's span holds the agent's (from the first frame sent to the interruption received);
    // how much longer it is depends on how busy the shared event loop is, so only the floor counts.
    expect(responseMs).toBeGreaterThanOrEqual(serverMeasuredMs - 5);
    expect(interrupts[0]!.outcome).toBe("fired-after-speech");
    expect(interrupts[0]!.details?.responseMs).toBe(Math.round(responseMs!));
    expect(server.violations).toEqual([]);
  });
});
