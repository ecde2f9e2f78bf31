import { agent, succeed, user } from "@scenario/script";
import {
  AgentCallError,
  ConfigurationError,
  VoiceFirstAudioTimeoutError,
  VoiceServerError,
  VoiceStreamEndedError,
} from "@scenario/spec";
import { syntheticSpeech } from "@scenario/testing/gemini-live";
import { audioFromMessage, pcmDurationMs, toWireAudio, transcriptOf, voiceMessage } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { expectFirstAudioFromRecording } from "../../../tooling/test-helpers/voice-harness";
import { geminiLiveAgent, geminiLiveCapabilities } from "../src";
import {
  assistantMessages,
  fakeGeminiLiveServer,
  noiseAudio,
  runScenario,
  TEST_API_KEY,
  voiceRecordingOf,
} from "./gemini-live-test-helpers";

const WIRE_16K = { encoding: "pcm16", sampleRateHz: 16_000, channels: 1 } as const;

describe("geminiLiveAgent: setup and turns", () => {
  it("sets the session up, sends each turn as 16 kHz audio between activityStart and activityEnd, and returns the reply byte for byte", async () => {
    const replyAudio = [noiseAudio(700, 1), noiseAudio(450, 2)];
    const server = await fakeGeminiLiveServer({
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
    const gemini = geminiLiveAgent({
      url: server.url,
      apiKey: TEST_API_KEY,
      model: "gemini-live-test",
      voice: "Kore",
      systemInstruction: "You are a bank's phone assistant.",
    });

    const { result, error, events } = await runScenario(
      [gemini],
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

    // The key goes in the URL query, and the fake's log has it redacted.
    expect(server.connections).toHaveLength(1);
    expect(server.connections[0]?.authorized).toBe(true);
    expect(server.connections[0]?.url).toMatch(/\?key=\[redacted\]$/);
    expect(server.received[0]?.message).toEqual({
      setup: {
        model: "models/gemini-live-test",
        generationConfig: {
          responseModalities: ["AUDIO"],
          speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: "Kore" } } },
        },
        realtimeInputConfig: { automaticActivityDetection: { disabled: true } },
        systemInstruction: { parts: [{ text: "You are a bank's phone assistant." }] },
        inputAudioTranscription: {},
        outputAudioTranscription: {},
        sessionResumption: {},
      },
    });

    // Each turn: activityStart, 16 kHz audio chunks, activityEnd; the fake heard the caller's audio.
    const inputs = server.received
      .filter((frame) => frame.type === "realtimeInput")
      .map((frame) => Object.keys(frame.message.realtimeInput as object)[0]);
    const collapsed = inputs.filter((kind, index) => kind !== "audio" || inputs[index - 1] !== "audio");
    expect(collapsed).toEqual([
      "activityStart",
      "audio",
      "activityEnd",
      "activityStart",
      "audio",
      "activityEnd",
    ]);
    const audioFrame = server.received.find(
      (frame) => (frame.message.realtimeInput as { audio?: unknown } | undefined)?.audio !== undefined,
    );
    expect(audioFrame?.message.realtimeInput).toMatchObject({ audio: { mimeType: "audio/pcm;rate=16000" } });
    expect(server.turns.map((turn) => turn.endedBy)).toEqual(["activityEnd", "activityEnd"]);
    // The driver converts each utterance to 16 kHz as a whole: the fake got exactly those bytes.
    for (const [index, turn] of server.turns.entries()) {
      expect(turn.audio).toEqual(toWireAudio(userAudio[index]!, WIRE_16K));
    }

    // The replies: PCM byte-identical to what the fake sent, with the output transcription.
    const replies = assistantMessages(result!.messages);
    expect(replies.map((message) => audioFromMessage(message)?.data)).toEqual(replyAudio);
    expect(replies.map(transcriptOf)).toEqual(["Hello, this is the bank.", "Your balance is 42 euros."]);

    // The recording: agent segments are the reply audio, each as long as its audio.
    const recording = voiceRecordingOf(result);
    expect(recording.segments.map((segment) => segment.speaker)).toEqual(["user", "agent", "user", "agent"]);
    expect(recording.segments.filter((segment) => segment.speaker === "agent").map((s) => s.audio)).toEqual(
      replyAudio,
    );
    for (const segment of recording.segments) {
      expect(segment.endMs - segment.startMs).toBeCloseTo(pcmDurationMs(segment.audio), 3);
    }

    // The tokens the server reported in usageMetadata are the agent's usage.
    const reported = server.responses.map((response) => response.usage!);
    expect(reported).toHaveLength(2);
    const sum = (field: "promptTokenCount" | "responseTokenCount" | "totalTokenCount") =>
      reported.reduce((total, usage) => total + usage[field], 0);
    expect(sum("responseTokenCount")).toBeGreaterThan(0);
    expect(result?.usage.byRole.Agent).toEqual({
      inputTokens: sum("promptTokenCount"),
      outputTokens: sum("responseTokenCount"),
      totalTokens: sum("totalTokenCount"),
    });

    // The key never leaks: not in the result, the events, nor the fake's frame log.
    expect(JSON.stringify(result)).not.toContain(TEST_API_KEY);
    expect(JSON.stringify(events)).not.toContain(TEST_API_KEY);
    expect(JSON.stringify([server.received, server.connections])).not.toContain(TEST_API_KEY);
  });

  it("measures time to first audio from the end of the caller's speech, never under the server's think time", async () => {
    const server = await fakeGeminiLiveServer({
      thinkTimeMs: 300,
      paceFactor: 20,
      reply: "One moment please.",
    });
    const gemini = geminiLiveAgent({ url: server.url, apiKey: TEST_API_KEY });
    const { result, error } = await runScenario(
      [gemini],
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
  });

  it("sends a text-only user turn as clientContent and completes it", async () => {
    const server = await fakeGeminiLiveServer({ paceFactor: Number.POSITIVE_INFINITY, reply: "Hi there." });
    const gemini = geminiLiveAgent({ url: server.url, apiKey: TEST_API_KEY });
    const { result, error } = await runScenario([gemini], [user("hello in text"), agent(), succeed()]);
    expect(error).toBeUndefined();
    const contents = server.received
      .filter((frame) => frame.type === "clientContent")
      .map((frame) => frame.message);
    expect(contents).toEqual([
      {
        clientContent: { turns: [{ role: "user", parts: [{ text: "hello in text" }] }], turnComplete: false },
      },
      { clientContent: { turnComplete: true } },
    ]);
    expect(server.turns).toMatchObject([{ endedBy: "clientContent", text: "hello in text" }]);
    expect(server.received.some((frame) => frame.type === "realtimeInput")).toBe(false);
    expect(transcriptOf(assistantMessages(result!.messages)[0]!)).toBe("Hi there.");
  });

  it("needs an API key for the real endpoint, and names GEMINI_API_KEY", async () => {
    const previous = { gemini: process.env.GEMINI_API_KEY, google: process.env.GOOGLE_API_KEY };
    delete process.env.GEMINI_API_KEY;
    delete process.env.GOOGLE_API_KEY;
    try {
      const failure = geminiLiveAgent().connect({
        scenarioConfig: { name: "x", description: "y", agents: [] },
        threadId: "t",
      });
      await expect(failure).rejects.toBeInstanceOf(ConfigurationError);
      await expect(failure).rejects.toThrow(/GEMINI_API_KEY/);
    } finally {
      if (previous.gemini !== undefined) process.env.GEMINI_API_KEY = previous.gemini;
      if (previous.google !== undefined) process.env.GOOGLE_API_KEY = previous.google;
    }
  });

  it("takes GEMINI_API_KEY, else GOOGLE_API_KEY, into the URL's key parameter (seen through an injected WebSocket)", async () => {
    const server = await fakeGeminiLiveServer();
    const previous = { gemini: process.env.GEMINI_API_KEY, google: process.env.GOOGLE_API_KEY };
    const urls: string[] = [];
    class RecordingWebSocket extends WebSocket {
      constructor(url: string, options: { headers: Record<string, string> }) {
        urls.push(url);
        super(url, options);
      }
    }
    const context = { scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" };
    try {
      delete process.env.GEMINI_API_KEY;
      process.env.GOOGLE_API_KEY = "google-key-1";
      const first = geminiLiveAgent({ url: server.url, WebSocket: RecordingWebSocket });
      await first.connect(context);
      await first.disconnect();
      process.env.GEMINI_API_KEY = "gemini-key-2";
      const second = geminiLiveAgent({ url: server.url, WebSocket: RecordingWebSocket });
      await second.connect(context);
      await second.disconnect();
    } finally {
      for (const [name, value] of [
        ["GEMINI_API_KEY", previous.gemini],
        ["GOOGLE_API_KEY", previous.google],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(urls.map((url) => new URL(url).searchParams.get("key"))).toEqual(["google-key-1", "gemini-key-2"]);
    expect(server.connections.map((connection) => connection.authorized)).toEqual([true, true]);
  });

  it("declares 16 kHz in and 24 kHz out with native barge-in by default, server VAD with automatic detection", () => {
    expect(geminiLiveAgent({ apiKey: "k" }).capabilities).toBe(geminiLiveCapabilities);
    expect(geminiLiveCapabilities).toMatchObject({
      inputAudioFormat: { encoding: "pcm16", sampleRateHz: 16_000 },
      outputAudioFormat: { encoding: "pcm16", sampleRateHz: 24_000 },
      bargeIn: "native",
      serverVad: false,
    });
    expect(geminiLiveAgent({ apiKey: "k", activityDetection: "automatic" }).capabilities).toMatchObject({
      bargeIn: "on-user-speech",
      serverVad: true,
    });
    expect(() => geminiLiveAgent({ activityDetection: "sometimes" as never })).toThrow(ConfigurationError);
  });
});

describe("geminiLiveAgent: failures", () => {
  it("fails with VoiceFirstAudioTimeoutError when the reply never starts", async () => {
    const server = await fakeGeminiLiveServer();
    server.injectFault({ type: "stall" });
    const gemini = geminiLiveAgent({ url: server.url, apiKey: TEST_API_KEY, firstAudioTimeoutMs: 200 });
    const outcome = await runScenario(
      [gemini],
      [user(voiceMessage("user", syntheticSpeech("Hello"), "Hello")), agent(), succeed()],
    );
    expect(outcome.error).toBeInstanceOf(AgentCallError);
    expect((outcome.error as AgentCallError).cause).toBeInstanceOf(VoiceFirstAudioTimeoutError);
    expect(outcome.finished?.results.error).toContain("no audio within 200 ms after the user's turn");
    expect(JSON.stringify(outcome.events)).not.toContain(TEST_API_KEY);
  });

  it("fails with VoiceStreamEndedError, naming the close code and reason, when the server closes mid-reply", async () => {
    const server = await fakeGeminiLiveServer({
      paceFactor: Number.POSITIVE_INFINITY,
      chunkMs: 50,
      reply: "A long reply cut short by the server.",
    });
    server.injectFault({ type: "close", afterChunks: 3, code: 1011, reason: "Internal error encountered." });
    const gemini = geminiLiveAgent({ url: server.url, apiKey: TEST_API_KEY });
    const outcome = await runScenario(
      [gemini],
      [user(voiceMessage("user", syntheticSpeech("Hello"), "Hello")), agent(), succeed()],
    );
    expect((outcome.error as AgentCallError).cause).toBeInstanceOf(VoiceStreamEndedError);
    expect(outcome.finished?.results.error).toMatch(
      /closed in the middle of a reply after 150 ms of reply audio \(code 1011: Internal error encountered\.\)/,
    );
    const recording = gemini.collectArtifacts().voice;
    expect(recording.segments.find((segment) => segment.speaker === "agent")?.audio.byteLength).toBe(
      150 * 48,
    );
  });

  it("reports a refused connection without the API key", async () => {
    const server = await fakeGeminiLiveServer();
    const gemini = geminiLiveAgent({ url: server.url.replace("/ws/", "/wrong/"), apiKey: TEST_API_KEY });
    const failure = gemini.connect({
      scenarioConfig: { name: "x", description: "y", agents: [] },
      threadId: "t",
    });
    await expect(failure).rejects.toBeInstanceOf(VoiceServerError);
    const error = (await failure.catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/Could not connect to ws:\/\/127\.0\.0\.1:\d+\/wrong\//);
    expect(error.message).not.toContain(TEST_API_KEY);
  });
});

describe("geminiLiveAgent: goAway and session resumption", () => {
  it("resumes the session on a new connection with the latest handle before the next turn", async () => {
    const server = await fakeGeminiLiveServer({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: ["First answer.", "Second answer."],
    });
    server.injectFault({ type: "goAway", timeLeft: "1s", closeAfterMs: 20 });
    const gemini = geminiLiveAgent({ url: server.url, apiKey: TEST_API_KEY });
    const { result, error } = await runScenario(
      [gemini],
      [
        user(voiceMessage("user", syntheticSpeech("Hello"), "Hello")),
        agent(),
        // Long enough for the server to close the first connection.
        async () => {
          await server.waitFor(() => server.connections[0]?.closedAtMs !== undefined);
        },
        user(voiceMessage("user", syntheticSpeech("Are you still there"), "Are you still there")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();
    expect(assistantMessages(result!.messages).map(transcriptOf)).toEqual([
      "First answer.",
      "Second answer.",
    ]);
    expect(server.sent.filter((frame) => frame.type === "goAway")).toHaveLength(1);
    const firstHandle = server.sent.find((frame) => frame.type === "sessionResumptionUpdate")?.message
      .sessionResumptionUpdate as { newHandle: string };
    expect(server.connections).toHaveLength(2);
    expect(server.connections[1]?.resumedFrom).toBe(firstHandle.newHandle);
    expect(server.connections[1]?.setup?.sessionResumption).toEqual({ handle: firstHandle.newHandle });
    expect(gemini.transport.resumptions).toBe(1);
    expect(server.turns.map((turn) => turn.connectionId)).toEqual([0, 1]);
  });
});
