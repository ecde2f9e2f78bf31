import { agent, interrupt, sleep, succeed, user } from "@scenario/script";
import { syntheticSpeech } from "@scenario/testing/gemini-live";
import { audioFromMessage, transcriptOf, voiceMessage } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { geminiLiveAgent } from "../src";
import {
  assistantMessages,
  fakeGeminiLiveServer,
  noiseAudio,
  runScenario,
  TEST_API_KEY,
  voiceRecordingOf,
} from "./gemini-live-test-helpers";

describe("geminiLiveAgent: native barge-in", () => {
  it("activityStart cuts the reply; its late audio is not recorded as the agent speaking, and the next reply is intact", async () => {
    const longReply = noiseAudio(3000, 9);
    const nextReply = noiseAudio(500, 10);
    const server = await fakeGeminiLiveServer({
      paceFactor: 1,
      chunkMs: 40,
      // Audio already on the wire when the caller spoke: a real server's late chunks.
      lateAudioChunks: 5,
      reply: [
        { transcript: "Let me tell you everything about our many fees and charges.", audio: longReply },
        { transcript: "Sure, stopping.", audio: nextReply },
      ],
    });
    const gemini = geminiLiveAgent({ url: server.url, apiKey: TEST_API_KEY });
    const stop = syntheticSpeech("Stop, thanks");
    const { result, error } = await runScenario(
      [gemini],
      [
        user(voiceMessage("user", syntheticSpeech("Tell me about fees"), "Tell me about fees")),
        agent({ wait: false }),
        // The caller speaks once the agent has been talking for a while (its audio is paced in real time).
        async () => {
          await server.waitFor(() => (server.responses[0]?.chunkCount ?? 0) >= 8);
        },
        interrupt(),
        user(voiceMessage("user", stop, "Stop, thanks.")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();

    // The adapter interrupted with activityStart; the fake sent 5 more chunks, then `interrupted`.
    expect(server.interruptions).toHaveLength(1);
    const interruption = server.interruptions[0]!;
    expect(interruption.by).toBe("activityStart");
    expect(interruption.lateChunks).toBe(5);
    expect(server.responses.map((response) => response.outcome)).toEqual(["interrupted", "completed"]);
    const sentIncludingLate = server.responses[0]!.sentAudioBytes;
    expect(sentIncludingLate).toBe(interruption.sentAudioBytesBefore + 5 * 40 * 48);

    // What was heard of the cut reply is a prefix of it, and none of the late chunks.
    const recording = voiceRecordingOf(result);
    const agentSegments = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(agentSegments).toHaveLength(2);
    const [cut, answer] = agentSegments;
    expect(cut!.transcriptTruncated).toBe(true);
    expect(cut!.audio.byteLength).toBeGreaterThan(0);
    expect(cut!.audio.byteLength).toBeLessThanOrEqual(interruption.sentAudioBytesBefore);
    expect(cut!.audio).toEqual(longReply.subarray(0, cut!.audio.byteLength));
    // The next reply is exactly its own audio: the late chunks did not leak into it.
    expect(answer!.audio).toEqual(nextReply);
    expect(answer!.transcriptTruncated).toBeUndefined();
    const replies = assistantMessages(result!.messages);
    expect(audioFromMessage(replies[1]!)?.data).toEqual(nextReply);
    expect(transcriptOf(replies[1]!)).toBe("Sure, stopping.");

    const interruptEvent = recording.timeline.find((event) => event.type === "user-interrupt");
    expect(interruptEvent?.outcome).toBe("fired-after-speech");
    expect(recording.latency.interruptResponseTimesMs).toHaveLength(1);
    // The caller's words after the barge-in were the next turn's audio, in the activity the interrupt opened.
    expect(server.turns).toHaveLength(2);
    const activityStarts = server.received.filter(
      (frame) => (frame.message.realtimeInput as { activityStart?: unknown } | undefined)?.activityStart,
    );
    expect(activityStarts).toHaveLength(2);
  });

  it("interrupts a reply that has not started speaking: fired-before-speech, and the next turn still works", async () => {
    const server = await fakeGeminiLiveServer({
      thinkTimeMs: 1000,
      paceFactor: Number.POSITIVE_INFINITY,
      reply: "Too late.",
    });
    const gemini = geminiLiveAgent({ url: server.url, apiKey: TEST_API_KEY });
    const { result, error } = await runScenario(
      [gemini],
      [
        user(voiceMessage("user", syntheticSpeech("Hello"), "Hello")),
        agent({ wait: false }),
        sleep(100),
        interrupt(),
        user(voiceMessage("user", syntheticSpeech("Sorry go on"), "Sorry go on")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();
    expect(result?.artifacts.interrupts).toEqual([
      { outcome: "fired-before-speech", agent: "GeminiLiveAgent" },
    ]);
    expect(server.responses.map((response) => response.outcome)).toEqual(["interrupted", "completed"]);
    expect(server.responses[0]?.sentAudioBytes).toBe(0);
    const replies = assistantMessages(result!.messages);
    expect(audioFromMessage(replies[0]!)?.data.byteLength ?? 0).toBe(0);
    expect(transcriptOf(replies[1]!)).toBe("Too late.");
  });
});

describe("geminiLiveAgent: automatic activity detection", () => {
  it("lets the server's VAD end each turn after the trailing silence, and answers", async () => {
    const server = await fakeGeminiLiveServer({
      paceFactor: Number.POSITIVE_INFINITY,
      vad: { silenceDurationMs: 300 },
      reply: ["Hello there.", "Goodbye."],
    });
    const gemini = geminiLiveAgent({
      url: server.url,
      apiKey: TEST_API_KEY,
      activityDetection: { silenceDurationMs: 300 },
    });
    const { result, error } = await runScenario(
      [gemini],
      [
        user(voiceMessage("user", syntheticSpeech("Hello"), "Hello")),
        agent(),
        user(voiceMessage("user", syntheticSpeech("Bye now"), "Bye now")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();
    const setup = server.connections[0]?.setup as { realtimeInputConfig: unknown };
    expect(setup.realtimeInputConfig).toEqual({
      automaticActivityDetection: { disabled: false, silenceDurationMs: 300 },
    });
    // No activity messages: the VAD stand-in ended both turns.
    expect(server.turns.map((turn) => turn.endedBy)).toEqual(["vad", "vad"]);
    const kinds = new Set(
      server.received
        .filter((frame) => frame.type === "realtimeInput")
        .flatMap((frame) => Object.keys(frame.message.realtimeInput as object)),
    );
    expect([...kinds]).toEqual(["audio"]);
    expect(assistantMessages(result!.messages).map(transcriptOf)).toEqual(["Hello there.", "Goodbye."]);
  });

  it("the server's VAD hears the caller over the reply and interrupts it (on-user-speech); the caller's words make the next turn", async () => {
    const longReply = noiseAudio(4000, 21);
    const server = await fakeGeminiLiveServer({
      paceFactor: 1,
      chunkMs: 40,
      vad: { silenceDurationMs: 300 },
      reply: [{ transcript: "Let me read you all of our fees.", audio: longReply }, "Of course, stopping."],
    });
    const gemini = geminiLiveAgent({ url: server.url, apiKey: TEST_API_KEY, activityDetection: "automatic" });
    const { result, error } = await runScenario(
      [gemini],
      [
        user(voiceMessage("user", syntheticSpeech("Tell me about the fees"), "Tell me about the fees")),
        agent({ wait: false }),
        async () => {
          await server.waitFor(() => (server.responses[0]?.chunkCount ?? 0) >= 8);
        },
        user(voiceMessage("user", syntheticSpeech("Stop please"), "Stop please")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();
    expect(server.interruptions).toMatchObject([{ by: "vad" }]);
    expect(server.responses.map((response) => response.outcome)).toEqual(["interrupted", "completed"]);
    // No activity messages in automatic mode: the VAD did it all.
    const kinds = new Set(
      server.received
        .filter((frame) => frame.type === "realtimeInput")
        .flatMap((frame) => Object.keys(frame.message.realtimeInput as object)),
    );
    expect([...kinds]).toEqual(["audio"]);
    const recording = voiceRecordingOf(result);
    const [cut, answer] = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(cut?.transcriptTruncated).toBe(true);
    expect(cut!.audio).toEqual(longReply.subarray(0, cut!.audio.byteLength));
    expect(cut!.audio.byteLength).toBeLessThan(longReply.byteLength);
    expect(transcriptOf(assistantMessages(result!.messages).at(-1)!)).toBe("Of course, stopping.");
    expect(answer?.transcriptTruncated).toBeUndefined();
  });
});
