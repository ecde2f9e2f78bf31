import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agent, interrupt, sleep, succeed, user } from "@scenario/script";
import {
  AgentCallError,
  ConfigurationError,
  VoiceFirstAudioTimeoutError,
  VoiceServerError,
  VoiceStreamEndedError,
} from "@scenario/spec";
import { syntheticSpeech } from "@scenario/testing/realtime";
import {
  audioFromMessage,
  pcmDurationMs,
  saveVoiceRecording,
  transcriptOf,
  voiceMessage,
  wavInfo,
} from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { expectFirstAudioFromRecording } from "../../../tooling/test-helpers/voice-harness";
import { openAIRealtimeAgent } from "../src";
import {
  assistantMessages,
  fakeRealtimeServer,
  noiseAudio,
  runScenario,
  TEST_API_KEY,
  voiceRecordingOf,
} from "./realtime-test-helpers";

describe("openAIRealtimeAgent: handshake and turns", () => {
  it("configures the session, sends each turn as appends + one commit + one response.create, and returns the reply byte for byte", async () => {
    const replyAudio = [noiseAudio(700, 1), noiseAudio(450, 2)];
    const server = await fakeRealtimeServer({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: [
        { transcript: "Hello, this is the bank.", audio: replyAudio[0] },
        { transcript: "Your balance is 42 euros.", audio: replyAudio[1] },
      ],
    });
    const userAudio = [
      syntheticSpeech("Hi, I would like to check my balance"),
      syntheticSpeech("The main account"),
    ];
    const realtime = openAIRealtimeAgent({
      url: server.url,
      apiKey: TEST_API_KEY,
      model: "gpt-realtime-test",
      voice: "marin",
      instructions: "You are a bank's phone assistant.",
    });

    const { result, error } = await runScenario(
      [realtime],
      [
        user(voiceMessage("user", userAudio[0]!, "Hi, I would like to check my balance")),
        agent(),
        user(voiceMessage("user", userAudio[1]!, "The main account")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();
    expect(result?.status).toBe("SUCCESS");

    // Handshake: a bearer token (redacted by the fake) and the GA session shape.
    expect(server.connections).toHaveLength(1);
    expect(server.connections[0]?.authorized).toBe(true);
    const sessionUpdate = server.received.find((frame) => frame.type === "session.update")?.event;
    expect(sessionUpdate).toEqual({
      type: "session.update",
      session: {
        type: "realtime",
        model: "gpt-realtime-test",
        instructions: "You are a bank's phone assistant.",
        output_modalities: ["audio"],
        audio: {
          input: { format: { type: "audio/pcm", rate: 24_000 }, turn_detection: null },
          output: { format: { type: "audio/pcm", rate: 24_000 }, voice: "marin" },
        },
      },
    });

    // Turns: the appended bytes are the user's audio, with one commit and one response.create each.
    expect(server.turns.map((turn) => turn.audio)).toEqual(userAudio);
    expect(server.turns.every((turn) => turn.committedBy === "client")).toBe(true);
    expect(server.commitCount).toBe(2);
    expect(server.responseCreateCount).toBe(2);
    const order = server.received
      .map((frame) => frame.type)
      .filter((type) => type === "input_audio_buffer.commit" || type === "response.create");
    expect(order).toEqual([
      "input_audio_buffer.commit",
      "response.create",
      "input_audio_buffer.commit",
      "response.create",
    ]);

    // The replies: PCM byte-identical to what the fake sent, with the streamed transcripts.
    const replies = assistantMessages(result!.messages);
    expect(replies.map((message) => audioFromMessage(message)?.data)).toEqual(replyAudio);
    expect(replies.map(transcriptOf)).toEqual(["Hello, this is the bank.", "Your balance is 42 euros."]);

    // Recording: user and agent segments, each as long as its audio.
    const recording = voiceRecordingOf(result);
    expect(recording.segments.map((segment) => segment.speaker)).toEqual(["user", "agent", "user", "agent"]);
    expect(recording.segments[1]?.audio).toEqual(replyAudio[0]);
    for (const segment of recording.segments) {
      expect(segment.endMs - segment.startMs).toBeCloseTo(pcmDurationMs(segment.audio), 3);
    }
    expect(recording.latency.timeToFirstAudioMs).toHaveLength(2);
    // The key never leaks into the result.
    expect(JSON.stringify(result)).not.toContain(TEST_API_KEY);
  });

  it("measures time to first audio from the end of the caller's speech, never under the server's think time", async () => {
    const server = await fakeRealtimeServer({
      thinkTimeMs: 300,
      paceFactor: 20,
      reply: "One moment please.",
    });
    const realtime = openAIRealtimeAgent({ url: server.url, apiKey: TEST_API_KEY });
    const { result, error } = await runScenario(
      [realtime],
      [
        user(voiceMessage("user", syntheticSpeech("Hello"), "Hello")),
        agent(),
        user(voiceMessage("user", syntheticSpeech("Are you there"), "Are you there")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();
    const { latency } = voiceRecordingOf(result);
    expect(latency.timeToFirstAudioMs).toHaveLength(2);
    expectFirstAudioFromRecording(voiceRecordingOf(result), 300);
    expect(latency.p50Ms).toBeGreaterThanOrEqual(300);
  });

  it("sends a text-only user turn as a conversation item when no speech is configured", async () => {
    const server = await fakeRealtimeServer({ paceFactor: Number.POSITIVE_INFINITY, reply: "Hi there." });
    const realtime = openAIRealtimeAgent({ url: server.url, apiKey: TEST_API_KEY });
    const { result, error } = await runScenario([realtime], [user("hello in text"), agent(), succeed()]);
    expect(error).toBeUndefined();
    const item = server.received.find((frame) => frame.type === "conversation.item.create")?.event;
    expect(item).toMatchObject({
      item: { type: "message", role: "user", content: [{ type: "input_text", text: "hello in text" }] },
    });
    expect(server.commitCount).toBe(0);
    expect(server.responseCreateCount).toBe(1);
    expect(transcriptOf(assistantMessages(result!.messages)[0]!)).toBe("Hi there.");
  });

  it("needs an API key for the real endpoint, and says how to give one", async () => {
    const previous = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const realtime = openAIRealtimeAgent();
      const failure = realtime.connect({
        scenarioConfig: { name: "x", description: "y", agents: [] },
        threadId: "t",
      });
      await expect(failure).rejects.toBeInstanceOf(ConfigurationError);
      await expect(failure).rejects.toThrow(/OPENAI_API_KEY/);
    } finally {
      if (previous !== undefined) process.env.OPENAI_API_KEY = previous;
    }
  });
});

describe("openAIRealtimeAgent: barge-in", () => {
  it("cancels natively, accepts nothing after the cancel, truncates the item and records the interrupt", async () => {
    const replyAudio = noiseAudio(3000, 9);
    const server = await fakeRealtimeServer({
      paceFactor: 1,
      chunkMs: 50,
      reply: [
        { transcript: "Let me tell you everything about our many fees and charges.", audio: replyAudio },
      ],
    });
    const realtime = openAIRealtimeAgent({ url: server.url, apiKey: TEST_API_KEY });
    const { result, error } = await runScenario(
      [realtime],
      [
        user(voiceMessage("user", syntheticSpeech("Tell me about fees"), "Tell me about fees")),
        agent({ wait: false }),
        sleep(400),
        interrupt(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();

    expect(server.cancels).toHaveLength(1);
    expect(server.cancels[0]?.reason).toBe("client_cancelled");
    const response = server.responses[0]!;
    expect(response.outcome).toBe("cancelled");

    const reply = assistantMessages(result!.messages)[0]!;
    const heard = audioFromMessage(reply)!.data;
    // What was kept is a prefix of the reply, no more than the fake had sent when it cancelled.
    expect(heard.byteLength).toBeGreaterThan(0);
    expect(heard.byteLength).toBeLessThanOrEqual(response.sentAudioBytes);
    expect(heard).toEqual(replyAudio.subarray(0, heard.byteLength));
    expect(heard.byteLength).toBeLessThan(replyAudio.byteLength);

    // The server's copy is truncated at exactly what was heard.
    await server.waitFor(() => server.truncates.length === 1);
    expect(server.truncates[0]?.itemId).toBe(response.itemId);
    expect(server.truncates[0]?.audioEndMs).toBe(Math.floor(pcmDurationMs(heard)));

    const recording = voiceRecordingOf(result);
    const agentSegments = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(agentSegments).toHaveLength(1);
    const agentSegment = agentSegments[0]!;
    expect(agentSegment.transcriptTruncated).toBe(true);
    expect(agentSegment.audio).toEqual(heard);
    const interruptEvent = recording.timeline.find((event) => event.type === "user-interrupt");
    expect(interruptEvent?.outcome).toBe("fired-after-speech");
    expect(recording.latency.interruptResponseTimesMs).toHaveLength(1);
    expect(result?.artifacts.interrupts).toEqual([
      { outcome: "fired-after-speech", agent: "OpenAIRealtimeAgent" },
    ]);
  });

  // Core's user() interrupts the adapter of a non-blocking turn in flight instead of waiting for it.
  it("reads agent({ wait: false }) then user(...) as a barge-in: the reply is cut, the user speaks at once", async () => {
    const replyAudio = noiseAudio(3000, 11);
    const server = await fakeRealtimeServer({
      paceFactor: 1,
      chunkMs: 50,
      reply: [{ transcript: "Our opening hours are long and varied.", audio: replyAudio }, "Sure, goodbye."],
    });
    const realtime = openAIRealtimeAgent({ url: server.url, apiKey: TEST_API_KEY });
    const stop = syntheticSpeech("Stop, thanks");
    const { result, error } = await runScenario(
      [realtime],
      [
        user(voiceMessage("user", syntheticSpeech("When are you open"), "When are you open?")),
        agent({ wait: false }),
        sleep(400),
        user(voiceMessage("user", stop, "Stop, thanks.")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();
    expect(server.cancels).toHaveLength(1);
    const recording = voiceRecordingOf(result);
    const [cut, answer] = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(cut?.transcriptTruncated).toBe(true);
    expect(cut!.audio.byteLength).toBeLessThan(replyAudio.byteLength);
    expect(answer?.transcriptTruncated).toBeUndefined();
    expect(recording.timeline.find((event) => event.type === "user-interrupt")?.outcome).toBe(
      "fired-after-speech",
    );
    // The interrupting words were the next turn's audio.
    expect(server.turns[1]?.audio).toEqual(stop);
  });

  it("cancels a reply that has not started speaking: fired-before-speech, and the next turn still works", async () => {
    const server = await fakeRealtimeServer({
      thinkTimeMs: 1000,
      paceFactor: Number.POSITIVE_INFINITY,
      reply: "Too late.",
    });
    const realtime = openAIRealtimeAgent({ url: server.url, apiKey: TEST_API_KEY });
    const { result, error } = await runScenario(
      [realtime],
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
      { outcome: "fired-before-speech", agent: "OpenAIRealtimeAgent" },
    ]);
    expect(server.responses.map((response) => response.outcome)).toEqual(["cancelled", "completed"]);
    // Nothing to truncate: no audio was heard.
    expect(server.truncates).toHaveLength(0);
    const replies = assistantMessages(result!.messages);
    expect(audioFromMessage(replies[0]!)?.data.byteLength).toBe(0);
    expect(transcriptOf(replies[1]!)).toBe("Too late.");
  });
});

describe("openAIRealtimeAgent: failures", () => {
  it("fails with VoiceFirstAudioTimeoutError when the reply never starts", async () => {
    const server = await fakeRealtimeServer();
    server.injectFault({ type: "stall" });
    const realtime = openAIRealtimeAgent({ url: server.url, apiKey: TEST_API_KEY, firstAudioTimeoutMs: 200 });
    const outcome = await runScenario(
      [realtime],
      [user(voiceMessage("user", syntheticSpeech("Hello"), "Hello")), agent(), succeed()],
    );
    expect(outcome.error).toBeInstanceOf(AgentCallError);
    expect((outcome.error as AgentCallError).cause).toBeInstanceOf(VoiceFirstAudioTimeoutError);
    expect(outcome.finished?.status).toBe("ERROR");
    expect(outcome.finished?.results.error).toContain("no audio within 200 ms after the user's turn");
    // The stalled response was cancelled rather than left to leak into a later turn.
    await server.waitFor(() => server.cancels.length === 1);
    expect(JSON.stringify(outcome.events)).not.toContain(TEST_API_KEY);
  });

  it("fails with VoiceStreamEndedError when the server closes mid-reply", async () => {
    const server = await fakeRealtimeServer({
      paceFactor: Number.POSITIVE_INFINITY,
      chunkMs: 50,
      reply: "A long reply cut short.",
    });
    server.injectFault({ type: "close", afterDeltas: 3 });
    const realtime = openAIRealtimeAgent({ url: server.url, apiKey: TEST_API_KEY });
    const outcome = await runScenario(
      [realtime],
      [user(voiceMessage("user", syntheticSpeech("Hello"), "Hello")), agent(), succeed()],
    );
    expect((outcome.error as AgentCallError).cause).toBeInstanceOf(VoiceStreamEndedError);
    expect(outcome.finished?.status).toBe("ERROR");
    expect(outcome.finished?.results.error).toMatch(
      /closed in the middle of a reply after 150 ms of reply audio \(code 1011/,
    );
    // The recording kept the part of the reply that arrived.
    const recording = realtime.collectArtifacts().voice;
    expect(recording.segments.find((segment) => segment.speaker === "agent")?.audio.byteLength).toBe(
      150 * 48,
    );
  });

  it("passes a server error event through as VoiceServerError", async () => {
    const server = await fakeRealtimeServer({ paceFactor: Number.POSITIVE_INFINITY });
    server.injectFault({
      type: "error",
      code: "rate_limit_exceeded",
      message: "Too many requests.",
      errorType: "rate_limit_error",
    });
    const realtime = openAIRealtimeAgent({ url: server.url, apiKey: TEST_API_KEY });
    const outcome = await runScenario(
      [realtime],
      [user(voiceMessage("user", syntheticSpeech("Hello"), "Hello")), agent(), succeed()],
    );
    expect((outcome.error as AgentCallError).cause).toBeInstanceOf(VoiceServerError);
    expect(outcome.finished?.status).toBe("ERROR");
    expect(outcome.finished?.results.error).toContain(
      "rate_limit_error (rate_limit_exceeded): Too many requests.",
    );
  });

  it("reports a refused connection without the API key", async () => {
    const server = await fakeRealtimeServer();
    const realtime = openAIRealtimeAgent({
      url: server.url.replace("/v1/realtime", "/wrong"),
      apiKey: TEST_API_KEY,
    });
    const failure = realtime.connect({
      scenarioConfig: { name: "x", description: "y", agents: [] },
      threadId: "t",
    });
    await expect(failure).rejects.toBeInstanceOf(VoiceServerError);
    const error = (await failure.catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/Could not connect to ws:\/\/127\.0\.0\.1:\d+\/wrong/);
    expect(error.message).not.toContain(TEST_API_KEY);
  });
});

describe("openAIRealtimeAgent: saved recording", () => {
  it("saves WAVs whose durations match the segments", async () => {
    const server = await fakeRealtimeServer({ paceFactor: Number.POSITIVE_INFINITY, thinkTimeMs: 50 });
    const realtime = openAIRealtimeAgent({ url: server.url, apiKey: TEST_API_KEY });
    const { result, error } = await runScenario(
      [realtime],
      [
        user(voiceMessage("user", syntheticSpeech("Good morning"), "Good morning")),
        agent(),
        user(voiceMessage("user", syntheticSpeech("I need help with my card"), "I need help with my card")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();
    const recording = voiceRecordingOf(result);
    const dir = await mkdtemp(join(tmpdir(), "scenario-voice-"));
    try {
      const saved = await saveVoiceRecording(recording, dir);
      expect(saved.segmentFiles).toHaveLength(4);
      for (const [index, file] of saved.segmentFiles.entries()) {
        const segment = recording.segments[index]!;
        const info = wavInfo(new Uint8Array(await readFile(file)));
        expect(info.sampleRate).toBe(24_000);
        expect(Math.abs(info.durationMs - (segment.endMs - segment.startMs))).toBeLessThan(1);
      }
      // The whole call lasts until the end of the last segment; segments never overlap.
      const call = wavInfo(new Uint8Array(await readFile(saved.callFile)));
      const last = recording.segments[recording.segments.length - 1]!;
      expect(Math.abs(call.durationMs - last.endMs)).toBeLessThan(1);
      for (let index = 1; index < recording.segments.length; index++) {
        expect(recording.segments[index]!.startMs).toBeGreaterThanOrEqual(
          recording.segments[index - 1]!.endMs,
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
