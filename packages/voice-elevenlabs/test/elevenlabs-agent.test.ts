import { agent, succeed, user } from "@scenario/script";
import { syntheticSpeech } from "@scenario/testing/realtime";
import { toMulaw8k, transcriptOf } from "@scenario/voice";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { elevenLabsAgent } from "../src";
import {
  byteDifference,
  fakeElevenLabs,
  noisePcm16,
  runScenario,
  syntheticTts,
  voiceRecordingOf,
} from "./elevenlabs-test-helpers";

const REPLIES = [
  { transcript: "Your balance is forty two dollars.", audio: noisePcm16(600, 1) },
  { transcript: "You are welcome. Goodbye.", audio: noisePcm16(400, 2) },
];
const API_KEY = "xi-test-secret-4242";

/** 20 ms μ-law frames from the first to the last that is not silence (0xff and 0x7f are ±0). */
function mulawSpeechSpanFrames(mulaw: Uint8Array): number {
  const sounding: number[] = [];
  for (let offset = 0; offset < mulaw.byteLength; offset += 160) {
    const frame = mulaw.subarray(offset, offset + 160);
    if (!frame.every((byte) => byte === 0xff || byte === 0x7f)) sounding.push(offset / 160);
  }
  return sounding.length === 0 ? 0 : sounding.at(-1)! - sounding[0]! + 1;
}

const savedKey = process.env.ELEVENLABS_API_KEY;
beforeEach(() => {
  delete process.env.ELEVENLABS_API_KEY;
});
afterEach(() => {
  if (savedKey === undefined) delete process.env.ELEVENLABS_API_KEY;
  else process.env.ELEVENLABS_API_KEY = savedKey;
});

describe("elevenLabsAgent: a conversation through the real executor", () => {
  it("answers within 50 ms of the agent's think time and records its audio byte for byte", async () => {
    const heard = ["I would like to check my balance", "Thanks"];
    const server = await fakeElevenLabs({
      thinkTimeMs: 400,
      vad: { silenceDurationMs: 250 },
      reply: REPLIES,
      pingIntervalMs: 150,
      transcribe: (audio) => (audio.byteLength > 0 ? heard.shift() : undefined),
      apiKey: API_KEY,
    });
    const { result, error, events } = await runScenario(
      [
        elevenLabsAgent({
          agentId: "agent_test",
          apiKey: API_KEY,
          url: server.url,
          speech: syntheticTts,
          silenceTailMs: 600,
          overrides: { agent: { prompt: { prompt: "You are a bank's assistant." }, language: "en" } },
          dynamicVariables: { customer: "Ada", tier: 2 },
        }),
      ],
      [user("I would like to check my balance"), agent(), user("Thanks"), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    expect(result?.status).toBe("SUCCESS");
    const recording = voiceRecordingOf(result);

    expect(recording.latency.timeToFirstAudioMs).toHaveLength(2);
    // Within 50 ms of the think time the agent really took: 400 ms injected, plus whatever its
    // timers lost on a busy machine (the fake logs when it heard the speech end and when it spoke).
    recording.latency.timeToFirstAudioMs.forEach((timeToFirstAudioMs, index) => {
      const reply = server.replies[index]!;
      const thoughtMs = reply.firstChunkAtMs! - reply.thinkFromMs;
      expect(thoughtMs).toBeGreaterThanOrEqual(400);
      expect(timeToFirstAudioMs).toBeGreaterThanOrEqual(thoughtMs - 50);
      expect(timeToFirstAudioMs).toBeLessThanOrEqual(thoughtMs + 50);
    });
    const agentSegments = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(agentSegments).toHaveLength(2);
    agentSegments.forEach((segment, index) => {
      expect(segment.wireAudio?.format).toMatchObject({ encoding: "pcm16", sampleRateHz: 16_000 });
      expect(byteDifference(segment.wireAudio!.data, REPLIES[index]!.audio)).toBeUndefined();
    });

    // The judge reads the agent's words from agent_response, and the caller's from user_transcript.
    const answers = result!.messages.filter((message) => message.role === "assistant").map(transcriptOf);
    expect(answers).toEqual(REPLIES.map((reply) => reply.transcript));
    const userTranscripts = recording.timeline.filter((event) => event.type === "user-transcript");
    expect(userTranscripts.map((event) => event.details?.text)).toEqual([
      "I would like to check my balance",
      "Thanks",
    ]);

    // The conversation started as ElevenLabs expects, authenticated by the key, which never leaked.
    expect(server.violations).toEqual([]);
    const connection = server.connections[0]!;
    expect(connection).toMatchObject({ agentId: "agent_test", auth: "api-key" });
    expect(connection.headers["xi-api-key"]).toBe("[redacted]");
    expect(connection.initiation).toEqual({
      conversationConfigOverride: {
        agent: { prompt: { prompt: "You are a bank's assistant." }, language: "en" },
      },
      dynamicVariables: { customer: "Ada", tier: 2 },
    });
    expect(server.received[0]?.type).toBe("conversation_initiation_client_data");
    expect(JSON.stringify(events)).not.toContain(API_KEY);
    expect(JSON.stringify(result)).not.toContain(API_KEY);

    // Every ping was answered with its own event id.
    expect(server.pings.length).toBeGreaterThan(3);
    const answered = server.pings.filter((ping) => ping.pongAtMs !== undefined);
    expect(answered.length).toBeGreaterThanOrEqual(server.pings.length - 1);

    // The caller's audio went out as 20 ms PCM16 16 kHz chunks, and the agent heard both turns whole.
    const chunks = server.received.filter((frame) => frame.type === "user_audio_chunk");
    expect(chunks.length).toBeGreaterThan(50);
    expect(server.turns).toHaveLength(2);
  });
});

describe("elevenLabsAgent: starting the conversation", () => {
  it("speaks the first message the overrides set, then answers the caller", async () => {
    const server = await fakeElevenLabs({ firstMessage: "Hello from the dashboard.", reply: REPLIES[1]! });
    const { result, error } = await runScenario(
      [
        elevenLabsAgent({
          agentId: "agent_test",
          url: server.url,
          speech: syntheticTts,
          silenceTailMs: 600,
          overrides: { agent: { first_message: "Welcome to the bank." } },
        }),
      ],
      [agent(), user("Thanks"), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    const recording = voiceRecordingOf(result);
    expect(recording.segments.map((segment) => segment.speaker)).toEqual(["agent", "user", "agent"]);
    expect(server.replies.map((reply) => [reply.trigger, reply.transcript])).toEqual([
      ["first-message", "Welcome to the bank."],
      ["speech", REPLIES[1]!.transcript],
    ]);
    const answers = result!.messages.filter((message) => message.role === "assistant").map(transcriptOf);
    expect(answers).toEqual(["Welcome to the bank.", REPLIES[1]!.transcript]);
  });

  it("connects with a signed URL and sends no API key, even when one is in the environment", async () => {
    process.env.ELEVENLABS_API_KEY = API_KEY;
    const server = await fakeElevenLabs({ apiKey: "another-key", reply: REPLIES[0]! });
    const { error } = await runScenario(
      [
        elevenLabsAgent({
          signedUrl: server.signedUrl("agent_signed"),
          speech: syntheticTts,
          silenceTailMs: 600,
        }),
      ],
      [user("Hello there"), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    expect(server.connections[0]).toMatchObject({ agentId: "agent_signed", auth: "signed-url" });
    expect(server.connections[0]!.headers["xi-api-key"]).toBeUndefined();
    expect(server.connections[0]!.url).toContain("conversation_signature=[redacted]");
  });

  it("takes ELEVENLABS_API_KEY from the environment when connecting by agent id", async () => {
    process.env.ELEVENLABS_API_KEY = API_KEY;
    const server = await fakeElevenLabs({ apiKey: API_KEY, reply: REPLIES[0]! });
    const { error } = await runScenario(
      [elevenLabsAgent({ agentId: "agent_env", url: server.url, speech: syntheticTts, silenceTailMs: 600 })],
      [user("Hello there"), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    expect(server.connections[0]).toMatchObject({ agentId: "agent_env", auth: "api-key" });
  });

  it("speaks the formats the metadata announces: μ-law 8 kHz in, PCM 22.05 kHz out, recorded as sent", async () => {
    const reply = { transcript: "In other formats.", audio: noisePcm16(500, 5, 22_050) };
    const server = await fakeElevenLabs({
      inputFormat: "ulaw_8000",
      outputFormat: "pcm_22050",
      vad: { silenceDurationMs: 250 },
      reply,
    });
    const { result, error } = await runScenario(
      [elevenLabsAgent({ agentId: "agent_test", url: server.url, speech: syntheticTts, silenceTailMs: 600 })],
      [user("Hello there"), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    // μ-law chunks: one byte a sample, 160 bytes per 20 ms.
    const chunk = server.received.find((frame) => frame.type === "user_audio_chunk")!;
    expect(Buffer.from(String(chunk.message.user_audio_chunk), "base64").byteLength).toBe(160);
    expect(server.turns).toHaveLength(1);
    // The agent heard μ-law speech as long as the words spoken, with silence (0xff) around it: PCM
    // bytes sent as μ-law would sound loud throughout.
    const spokenFrames = toMulaw8k(syntheticSpeech("Hello there")).byteLength / 160;
    expect(Math.abs(mulawSpeechSpanFrames(server.turns[0]!.audio) - spokenFrames)).toBeLessThanOrEqual(1);
    const segment = voiceRecordingOf(result).segments.find((candidate) => candidate.speaker === "agent")!;
    expect(segment.wireAudio?.format).toMatchObject({ encoding: "pcm16", sampleRateHz: 22_050 });
    expect(byteDifference(segment.wireAudio!.data, reply.audio)).toBeUndefined();
    expect(server.violations).toEqual([]);
  });

  it("sends text turns as user_message without a speech synthesizer", async () => {
    const server = await fakeElevenLabs({
      reply: (context) => ({
        transcript: `You wrote: ${context.callerTranscript}`,
        audio: noisePcm16(300, 6),
      }),
    });
    const { result, error } = await runScenario(
      [elevenLabsAgent({ agentId: "agent_test", url: server.url, silenceTailMs: 600 })],
      [user("What are your opening hours?"), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    expect(server.connections[0]!.userMessages).toEqual(["What are your opening hours?"]);
    const answer = result!.messages.filter((message) => message.role === "assistant").map(transcriptOf);
    expect(answer).toEqual(["You wrote: What are your opening hours?"]);
  });

  it("uses an injected WebSocket constructor", async () => {
    const server = await fakeElevenLabs({ reply: REPLIES[0]! });
    const sent: string[] = [];
    class RecordingWebSocket extends WebSocket {
      override send(data: string): void {
        const message = JSON.parse(data) as Record<string, unknown>;
        sent.push("user_audio_chunk" in message ? "user_audio_chunk" : String(message.type));
        super.send(data);
      }
    }
    const { error } = await runScenario(
      [
        elevenLabsAgent({
          agentId: "agent_test",
          url: server.url,
          speech: syntheticTts,
          silenceTailMs: 600,
          WebSocket: RecordingWebSocket,
        }),
      ],
      [user("Hello there"), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    expect(sent[0]).toBe("conversation_initiation_client_data");
    await server.waitFor(() => server.received.length === sent.length);
    expect(server.received.map((frame) => frame.type)).toEqual(sent);
  });
});
