import { agent, dtmf, interrupt, sleep, succeed, user } from "@scenario/script";
import { syntheticSpeech } from "@scenario/testing/voice-websocket";
import { audioFromMessage, pcmDurationMs, transcriptOf, voiceMessage } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { expectFirstAudioFromRecording } from "../../../tooling/test-helpers/voice-harness";
import { voiceWebSocketCapabilities, WebSocketVoiceTransport, websocketVoiceAgent } from "../src";
import {
  assistantMessages,
  fakeVoiceAgent,
  noiseAudio,
  noisePcm,
  runScenario,
  voiceRecordingOf,
} from "./websocket-test-helpers";

describe("websocketVoiceAgent: handshake and turns", () => {
  it("opens the session, sends each turn's audio byte for byte then input.end, and records the reply byte for byte", async () => {
    const replyAudio = [noisePcm(700, 1), noisePcm(450, 2)];
    const server = await fakeVoiceAgent({
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
    const voiceAgent = websocketVoiceAgent({
      url: server.url,
      headers: { authorization: "Bearer secret-token-123" },
      metadata: { tenant: "bank" },
    });

    const { result, error } = await runScenario(
      [voiceAgent],
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

    const connection = server.connections[0]!;
    expect(connection.sessionStart).toEqual({
      type: "session.start",
      protocol: "scenario-voice",
      versions: [1],
      input: { encoding: "pcm16", sampleRateHz: 24_000, channels: 1 },
      output: { encoding: "pcm16", sampleRateHz: 24_000, channels: 1 },
      turnDetection: "client",
      metadata: { scenario: "voice websocket scenario", threadId: expect.any(String), tenant: "bank" },
    });
    expect(connection.headers.authorization).toBe("Bearer [redacted]");

    // Each turn: its audio byte for byte, ended by the client's input.end.
    expect(server.turns.map((turn) => turn.audio)).toEqual(userAudio);
    expect(server.turns.map((turn) => turn.endedBy)).toEqual(["input.end", "input.end"]);

    // The replies: byte-identical to what the fake sent, with the agent's transcripts.
    const replies = assistantMessages(result!.messages);
    expect(replies.map((message) => audioFromMessage(message)?.data)).toEqual(replyAudio);
    expect(replies.map(transcriptOf)).toEqual(["Hello, this is the bank.", "Your balance is 42 euros."]);
    const recording = voiceRecordingOf(result);
    // PCM16 24 kHz is also Scenario's own format: the segment's audio is the wire audio.
    const agentSegments = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(agentSegments.map((segment) => segment.audio)).toEqual(replyAudio);
    for (const segment of recording.segments) {
      expect(segment.endMs - segment.startMs).toBeCloseTo(pcmDurationMs(segment.audio), 3);
    }
    // The session was ended politely.
    await server.waitFor(() => server.received.some((frame) => frame.type === "session.end"));
  });

  it("measures time to first audio from the end of the caller's speech, never under the agent's think time", async () => {
    const server = await fakeVoiceAgent({ thinkTimeMs: 300, paceFactor: 20, reply: "One moment please." });
    const { result, error } = await runScenario(
      [websocketVoiceAgent({ url: server.url })],
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

  it("speaks mu-law 8 kHz both ways: the recording keeps the agent's bytes exactly as sent", async () => {
    const mulaw = { encoding: "mulaw", sampleRateHz: 8000, channels: 1 } as const;
    const replyMulaw = noiseAudio(8 * 600, 4); // 600 ms of mu-law bytes
    const server = await fakeVoiceAgent({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: [{ transcript: "Telephone quality.", audio: replyMulaw }],
    });
    const voiceAgent = websocketVoiceAgent({ url: server.url, inputFormat: mulaw, outputFormat: mulaw });
    const { result, error } = await runScenario(
      [voiceAgent],
      [user(voiceMessage("user", syntheticSpeech("Hello there"), "Hello there")), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    expect(server.connections[0]?.inputFormat).toEqual(mulaw);
    // 1 byte a sample at 8 kHz: the caller's audio went out as mu-law.
    const userMs = pcmDurationMs(syntheticSpeech("Hello there"));
    expect(server.turns[0]!.audio.byteLength).toBeCloseTo(userMs * 8, -1);
    const segment = voiceRecordingOf(result).segments.find((candidate) => candidate.speaker === "agent")!;
    expect(segment.wireAudio).toEqual({ format: mulaw, data: replyMulaw });
    expect(pcmDurationMs(segment.audio)).toBeCloseTo(600, 0);
  });

  it("sends DTMF, reports the agent's tool calls on the timeline, and sends text turns as text", async () => {
    const server = await fakeVoiceAgent({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: ({ userTranscript, dtmf: digits }) => ({
        transcript: `Looked up ${userTranscript ?? "nothing"} for ${digits || "no digits"}.`,
        toolCalls: [{ name: "lookup_account", arguments: { digits }, output: { balance: 42 } }],
      }),
    });
    const { result, error } = await runScenario(
      [websocketVoiceAgent({ url: server.url })],
      [dtmf("42#"), user("my balance please"), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    expect(server.dtmf.map((entry) => entry.digits)).toEqual(["42#"]);
    expect(server.turns[0]).toMatchObject({ endedBy: "input.end", text: "my balance please" });
    expect(transcriptOf(assistantMessages(result!.messages).at(-1)!)).toBe(
      "Looked up my balance please for 42#.",
    );
    const timeline = voiceRecordingOf(result).timeline;
    expect(timeline.find((event) => event.type === "tool-call")).toMatchObject({
      toolName: "lookup_account",
    });
    expect(timeline.find((event) => event.type === "tool-result")).toMatchObject({
      toolName: "lookup_account",
    });
  });

  it("takes an injected WebSocket constructor, handing it the URL and headers", async () => {
    const server = await fakeVoiceAgent({ paceFactor: Number.POSITIVE_INFINITY, reply: "Hi." });
    const opened: Array<{ url: string; headers: Record<string, string> }> = [];
    const sentFrames: Array<string | Uint8Array> = [];
    class ObservedWebSocket extends WebSocket {
      constructor(url: string, options: { headers: Record<string, string> }) {
        super(url, options);
        opened.push({ url, headers: options.headers });
      }
      override send(data: string | Uint8Array): void {
        sentFrames.push(data);
        super.send(data);
      }
    }
    const { error } = await runScenario(
      [
        websocketVoiceAgent({
          url: server.url,
          headers: { "x-tenant": "bank" },
          WebSocket: ObservedWebSocket,
        }),
      ],
      [user(voiceMessage("user", syntheticSpeech("Hello"), "Hello")), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    expect(opened).toEqual([{ url: server.url, headers: { "x-tenant": "bank" } }]);
    const texts = sentFrames.filter((frame): frame is string => typeof frame === "string");
    expect(texts.map((text) => (JSON.parse(text) as { type: string }).type)).toEqual([
      "session.start",
      "input.end",
      "session.end",
    ]);
    expect(sentFrames.filter((frame) => typeof frame !== "string").length).toBe(
      server.received.filter((frame) => frame.type === "audio").length,
    );
  });

  it("refines its capabilities from the agent's session.started", async () => {
    const server = await fakeVoiceAgent({
      capabilities: { dtmf: false, textInput: false, serverVad: false, agentTranscripts: false },
    });
    const transport = new WebSocketVoiceTransport({ url: server.url, turnDetection: "server" });
    expect(transport.capabilities).toMatchObject({ serverVad: true, realtimeInput: true, dtmf: true });
    await transport.connect({
      scenarioConfig: { name: "x", description: "y", agents: [] },
      threadId: "t",
      emit: () => {},
    });
    // The agent has no VAD, so the client ends turns itself; it cannot take DTMF or text.
    expect(server.connections[0]?.turnDetection).toBe("client");
    expect(transport.capabilities).toMatchObject({
      serverVad: false,
      realtimeInput: false,
      dtmf: false,
      textInput: false,
      agentTranscripts: false,
      userTranscripts: true,
    });
    await transport.close();
    // The exported record is the protocol's fullest, for the README's capability table.
    expect(voiceWebSocketCapabilities).toMatchObject({ bargeIn: "native", replyEnd: true, dtmf: true });
  });
});

describe("websocketVoiceAgent: barge-in", () => {
  it("agent({ wait: false }) then user(...): the reply is cut, truncated, timed on the timeline, and the user's words reach the agent", async () => {
    const replyAudio = noisePcm(3000, 11);
    const server = await fakeVoiceAgent({
      paceFactor: 1,
      chunkMs: 20,
      reply: [{ transcript: "Our opening hours are long and varied.", audio: replyAudio }, "Sure, goodbye."],
    });
    const stop = syntheticSpeech("Stop, thanks");
    const { result, error } = await runScenario(
      [websocketVoiceAgent({ url: server.url, playback: "realtime" })],
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

    // The fake was told, stopped, and said so.
    expect(server.interrupts).toHaveLength(1);
    expect(server.interrupts[0]).toMatchObject({ by: "client", responseId: server.responses[0]!.id });
    expect(server.responses[0]?.outcome).toBe("interrupted");
    expect(
      server.sent.some((frame) => frame.type === "response.done" && frame.message?.status === "interrupted"),
    ).toBe(true);

    const recording = voiceRecordingOf(result);
    const [cut, answer] = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(cut?.transcriptTruncated).toBe(true);
    expect(cut!.audio.byteLength).toBeGreaterThan(0);
    expect(cut!.audio.byteLength).toBeLessThan(replyAudio.byteLength);
    expect(cut!.audio).toEqual(replyAudio.subarray(0, cut!.audio.byteLength));
    expect(answer?.transcriptTruncated).toBeUndefined();
    // The agent was told how much of its reply was heard.
    expect(server.interrupts[0]?.playedMs).toBe(Math.round(pcmDurationMs(cut!.audio)));

    const interruptEvent = recording.timeline.find((event) => event.type === "user-interrupt");
    expect(interruptEvent?.outcome).toBe("fired-after-speech");
    expect(recording.latency.interruptResponseTimesMs).toHaveLength(1);
    expect(recording.latency.interruptResponseTimesMs[0]).toBeGreaterThan(0);
    // The interrupting words were the next turn's audio, and the agent answered them.
    expect(server.turns[1]?.audio).toEqual(stop);
    expect(transcriptOf(assistantMessages(result!.messages).at(-1)!)).toBe("Sure, goodbye.");
  });

  it("cuts a reply still being prepared: fired-before-speech, confirmed, and the next turn works", async () => {
    const server = await fakeVoiceAgent({
      thinkTimeMs: 1000,
      paceFactor: Number.POSITIVE_INFINITY,
      reply: "Too late.",
    });
    const { result, error } = await runScenario(
      [websocketVoiceAgent({ url: server.url })],
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
      { outcome: "fired-before-speech", agent: "WebSocketVoiceAgent" },
    ]);
    expect(server.responses.map((response) => response.outcome)).toEqual(["interrupted", "completed"]);
    expect(server.responses[0]?.firstAudioAtMs).toBeUndefined();
    const recording = voiceRecordingOf(result);
    expect(recording.latency.interruptResponseTimesMs).toHaveLength(1);
    expect(transcriptOf(assistantMessages(result!.messages).at(-1)!)).toBe("Too late.");
  });
});

describe("websocketVoiceAgent: the agent's own turn detection", () => {
  it("with turnDetection 'server', paces the caller in real time and lets the agent's VAD end each turn once", async () => {
    const server = await fakeVoiceAgent({
      paceFactor: Number.POSITIVE_INFINITY,
      vad: { silenceDurationMs: 200 },
      reply: ["First answer.", "Second answer."],
    });
    const lines = [syntheticSpeech("I would like to check my balance"), syntheticSpeech("The main account")];
    const startedAt = performance.now();
    const { result, error } = await runScenario(
      [websocketVoiceAgent({ url: server.url, turnDetection: "server", silenceTailMs: 400 })],
      [
        user(voiceMessage("user", lines[0]!, "I would like to check my balance")),
        agent(),
        user(voiceMessage("user", lines[1]!, "The main account")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();
    expect(server.connections[0]?.turnDetection).toBe("server");
    // Real-time input: the run lasted at least as long as the caller spoke.
    const spokenMs = lines.reduce((sum, line) => sum + pcmDurationMs(line), 0);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(spokenMs);
    // Each reply answered exactly one turn, whoever ended it first (the VAD or the input.end hint).
    expect(server.responses).toHaveLength(2);
    expect(transcriptOf(assistantMessages(result!.messages).at(-1)!)).toBe("Second answer.");
    // The agent's VAD events went on the timeline.
    const timeline = voiceRecordingOf(result).timeline;
    expect(timeline.some((event) => event.type === "far-side-speech-started")).toBe(true);
  });
});
