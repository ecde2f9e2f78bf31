import { resamplePcm } from "@scenario/voice";
import { afterEach, describe, expect, it } from "vitest";
import { byteDifference, delay } from "../realtime/realtime-test-client";
import { syntheticSpeech } from "../realtime/synthetic-speech";
import {
  type FakePipecatServer,
  type FakePipecatServerOptions,
  startFakePipecatServer,
} from "./fake-pipecat-server";
import {
  connectRawPipecatClient,
  joinAudio,
  noiseAudio,
  type RawPipecatClient,
  silenceAudio,
} from "./pipecat-test-client";

const servers: FakePipecatServer[] = [];
const clients: RawPipecatClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: FakePipecatServerOptions = {}): Promise<FakePipecatServer> {
  const server = await startFakePipecatServer(options);
  servers.push(server);
  return server;
}

async function connect(server: FakePipecatServer): Promise<RawPipecatClient> {
  const client = await connectRawPipecatClient(server.url);
  clients.push(client);
  return client;
}

/** Sends audio in 20 ms frames, as fast as the socket takes them. */
function sendInFrames(client: RawPipecatClient, audio: Uint8Array, sampleRate: number): void {
  const frameBytes = (sampleRate / 1000) * 20 * 2;
  for (let offset = 0; offset < audio.byteLength; offset += frameBytes) {
    client.sendAudio(audio.subarray(offset, Math.min(audio.byteLength, offset + frameBytes)), sampleRate);
  }
}

describe("startFakePipecatServer: connection and RTVI", () => {
  it("answers client-ready with bot-ready (same id) and speaks its greeting as paced audio frames with transcripts", async () => {
    const greeting = "Hello, this is the bank.";
    const server = await start({ greeting, paceFactor: Number.POSITIVE_INFINITY });
    const client = await connect(server);
    client.sendRtvi("client-ready", { version: "1.0.0", about: { library: "test" } }, "ready-1");
    const ready = await client.nextRtvi("bot-ready");
    expect(ready.rtvi).toMatchObject({ label: "rtvi-ai", type: "bot-ready", id: "ready-1" });
    expect((ready.rtvi!.data as { version: string }).version).toMatch(/^1\./);

    await client.nextRtvi("bot-stopped-speaking");
    const frames = client.audioFrames();
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.every((frame) => frame.sampleRate === 24_000 && frame.numChannels === 1)).toBe(true);
    // Real frames carry the pipeline's frame id and name; ids only grow.
    expect(frames[0]!.name).toMatch(/^OutputAudioRawFrame#\d+$/);
    expect(frames.map((frame) => frame.id!)).toEqual(
      [...frames.map((frame) => frame.id!)].sort((a, b) => a - b),
    );
    // 40 ms frames (1920 bytes at 24 kHz), the whole greeting byte for byte.
    expect(frames[0]!.audio.byteLength).toBe(1920);
    expect(
      byteDifference(joinAudio(frames.map((frame) => frame.audio)), syntheticSpeech(greeting)),
    ).toBeUndefined();

    // Speaking events bracket the audio; the words come as bot-tts-text and as text frames.
    const kinds = client.frames.map((received) => received.rtvi?.type ?? received.frame?.kind);
    expect(kinds.indexOf("bot-started-speaking")).toBeLessThan(kinds.indexOf("audio"));
    expect(kinds.lastIndexOf("bot-stopped-speaking")).toBeGreaterThan(kinds.lastIndexOf("audio"));
    const ttsText = client.frames
      .filter((received) => received.rtvi?.type === "bot-tts-text")
      .map((received) => (received.rtvi!.data as { text: string }).text);
    expect(ttsText.join("")).toBe(greeting);
    const textFrames = client.frames.flatMap((received) =>
      received.frame?.kind === "text" ? [received.frame.text] : [],
    );
    expect(textFrames.join("")).toBe(greeting);
    expect(server.connections[0]?.clientReadyAtMs).toBeGreaterThan(0);
    expect(server.replies[0]).toMatchObject({
      trigger: "greeting",
      outcome: "completed",
      transcript: greeting,
    });
  });

  it("answers an unknown RTVI request with error-response and ignores non-RTVI messages", async () => {
    const server = await start();
    const client = await connect(server);
    client.send({ kind: "message", data: JSON.stringify({ hello: "world" }) });
    client.sendRtvi("make-coffee", undefined, "req-7");
    const response = await client.nextRtvi("error-response");
    expect(response.rtvi).toMatchObject({ id: "req-7", data: { error: "Unsupported type make-coffee" } });
    expect(client.frames).toHaveLength(1);
  });

  it("logs invalid input (text messages, bytes that are not a frame) and stays usable", async () => {
    const server = await start({ paceFactor: Number.POSITIVE_INFINITY });
    const client = await connect(server);
    client.socket.send("not binary");
    client.socket.send(new Uint8Array([0x12, 0x0a, 0x1a]), { binary: true });
    client.sendRtvi("send-text", { content: "still there?" });
    await client.nextRtvi("bot-stopped-speaking");
    const invalid = server.received.filter((record) => record.kind === "(invalid)");
    expect(invalid).toHaveLength(2);
    expect(invalid[0]!.error).toMatch(/binary frames only/);
    expect(server.turns[0]).toMatchObject({ source: "text", transcript: "still there?" });
  });
});

describe("startFakePipecatServer: turns from the user's audio", () => {
  it("finds the user's turn with its VAD, keeps the audio byte for byte, and answers after the think time", async () => {
    const server = await start({ thinkTimeMs: 150, paceFactor: Number.POSITIVE_INFINITY, reply: "Got it." });
    const client = await connect(server);
    const speech = noiseAudio(600, 1, 16_000);
    const audio = joinAudio([silenceAudio(100, 16_000), speech, silenceAudio(800, 16_000)]);
    sendInFrames(client, audio, 16_000);
    const stopped = await client.nextRtvi("user-stopped-speaking");
    const firstAudio = await client.next((received) => received.frame?.kind === "audio");
    // Seen from the client, the stop and the first audio are the think time apart (the client's
    // own event loop may deliver the stop late, so only the upper bound is sharp here).
    expect(firstAudio.atMs - stopped.atMs).toBeLessThan(200);
    expect(client.rtviTypes().slice(0, 2)).toEqual(["user-started-speaking", "user-stopped-speaking"]);

    const turn = server.turns[0]!;
    expect(turn).toMatchObject({ source: "speech", sampleRate: 16_000 });
    // The turn is everything up to the decision: all of it here (the silence ends exactly there).
    expect(byteDifference(turn.audio, audio)).toBeUndefined();
    const reply = server.replies[0]!;
    expect(reply.firstAudioAtMs! - reply.requestedAtMs).toBeGreaterThanOrEqual(150);
    expect(reply.firstAudioAtMs! - reply.requestedAtMs).toBeLessThan(190);
  });

  it("passes the recogniser's words to the policy and sends them as a TranscriptionFrame and user-transcription", async () => {
    const heard: Array<string | undefined> = [];
    const server = await start({
      paceFactor: Number.POSITIVE_INFINITY,
      transcribe: (audio) => `heard ${audio.byteLength} bytes`,
      reply: ({ userTranscript, userAudio }) => {
        heard.push(userTranscript);
        expect(userAudio.byteLength).toBe(1400 * 48); // converted to 24 kHz
        return { transcript: "Okay." };
      },
    });
    const client = await connect(server);
    sendInFrames(client, joinAudio([noiseAudio(600, 2, 16_000), silenceAudio(800, 16_000)]), 16_000);
    await client.nextRtvi("bot-stopped-speaking");
    const expected = `heard ${1400 * 48} bytes`;
    expect(heard).toEqual([expected]);
    const frame = client.frames.find((received) => received.frame?.kind === "transcription")?.frame;
    expect(frame).toMatchObject({ kind: "transcription", text: expected, userId: "user" });
    expect(Number.isNaN(Date.parse((frame as { timestamp: string }).timestamp))).toBe(false);
    const transcription = await client.nextRtvi("user-transcription");
    expect(transcription.rtvi?.data).toMatchObject({ text: expected, user_id: "user", final: true });
    expect(server.turns[0]!.transcript).toBe(expected);
  });

  it("paces audio frames: 40 ms frames every 20 ms by default, every 40 ms at paceFactor 1", async () => {
    for (const [paceFactor, intervalMs] of [
      [2, 20],
      [1, 40],
    ] as const) {
      const server = await start({ paceFactor, reply: { transcript: "x", audio: noiseAudio(1000, 3) } });
      const client = await connect(server);
      client.sendRtvi("send-text", { content: "go" });
      await client.nextRtvi("bot-stopped-speaking", { timeoutMs: 5000 });
      const audioTimes = client.frames
        .filter((received) => received.frame?.kind === "audio")
        .map((r) => r.atMs);
      expect(audioTimes).toHaveLength(25);
      const spanMs = audioTimes.at(-1)! - audioTimes[0]!;
      expect(spanMs).toBeGreaterThanOrEqual(24 * intervalMs - 5);
      expect(spanMs).toBeLessThan(24 * intervalMs + 60);
    }
  });

  it("sends at the configured output sample rate", async () => {
    const original = noiseAudio(500, 4);
    const server = await start({
      outputSampleRate: 16_000,
      paceFactor: Number.POSITIVE_INFINITY,
      reply: { transcript: "x", audio: original },
    });
    const client = await connect(server);
    client.sendRtvi("send-text", { content: "go" });
    await client.nextRtvi("bot-stopped-speaking");
    const frames = client.audioFrames();
    expect(frames.every((frame) => frame.sampleRate === 16_000)).toBe(true);
    expect(frames[0]!.audio.byteLength).toBe(1280);
    const expected = resamplePcm(original, 24_000, 16_000);
    expect(byteDifference(joinAudio(frames.map((frame) => frame.audio)), expected)).toBeUndefined();
  });

  it("sends neither RTVI nor transcript frames when both are off", async () => {
    const server = await start({
      rtvi: false,
      transcriptFrames: false,
      paceFactor: Number.POSITIVE_INFINITY,
      transcribe: () => "words",
    });
    const client = await connect(server);
    sendInFrames(client, joinAudio([noiseAudio(400, 5), silenceAudio(800)]), 24_000);
    await server.waitFor(() => server.replies[0]?.outcome === "completed");
    await delay(20);
    // Audio, and the InterruptionFrame a pipeline sends whenever the caller starts speaking.
    expect(client.audioFrames().length).toBeGreaterThan(0);
    expect(client.frames.map((received) => received.frame?.kind).filter((kind) => kind !== "audio")).toEqual([
      "interruption",
    ]);
  });
});

describe("startFakePipecatServer: barge-in", () => {
  it("stops its reply when it hears the user over it, says so, and takes the user's words as the next turn", async () => {
    const server = await start({
      paceFactor: 1,
      vad: { minSpeechMs: 60 },
      reply: [{ transcript: "A long answer that goes on.", audio: noiseAudio(3000, 6) }, "Sure."],
    });
    const client = await connect(server);
    client.sendRtvi("send-text", { content: "tell me everything" });
    await client.nextRtvi("bot-started-speaking");
    await delay(300);
    const bargeIn = joinAudio([noiseAudio(400, 7), silenceAudio(800)]);
    sendInFrames(client, bargeIn, 24_000);

    await client.nextRtvi("bot-interrupted");
    const audioBefore = client.audioFrames().length;
    const kinds = client.frames.map((received) => received.rtvi?.type ?? received.frame?.kind);
    const interruptedAt = kinds.indexOf("bot-interrupted");
    expect(kinds.slice(interruptedAt - 2, interruptedAt + 2)).toEqual([
      "user-started-speaking",
      "interruption",
      "bot-interrupted",
      "bot-stopped-speaking",
    ]);
    // Cut well short of its 75 frames (it sends 40 ms every 40 ms here).
    expect(audioBefore).toBeLessThan(30);
    expect(server.interruptions).toEqual([
      expect.objectContaining({
        replyIndex: 0,
        cause: "speech",
        framesBeforeInterrupt: server.replies[0]!.frameCount,
      }),
    ]);
    expect(server.replies[0]!.outcome).toBe("interrupted");

    // The barge-in became the next turn and got its own reply.
    await client.nextRtvi("bot-stopped-speaking", { count: 2 });
    expect(server.turns[1]).toMatchObject({ source: "speech" });
    expect(byteDifference(server.turns[1]!.audio, bargeIn)).toBeUndefined();
    expect(server.replies[1]).toMatchObject({ outcome: "completed", transcript: "Sure." });
  });

  it("a send-text cuts the reply in flight unless run_immediately is false", async () => {
    const server = await start({ paceFactor: 1, reply: { transcript: "long", audio: noiseAudio(2000, 8) } });
    const client = await connect(server);
    client.sendRtvi("send-text", { content: "one" });
    await client.nextRtvi("bot-started-speaking");
    client.sendRtvi("send-text", { content: "queued", options: { run_immediately: false } });
    await delay(100);
    expect(server.interruptions).toHaveLength(0);
    client.sendRtvi("send-text", { content: "now" });
    await client.nextRtvi("bot-interrupted");
    expect(server.interruptions[0]).toMatchObject({ cause: "text" });
    expect(server.turns.map((turn) => turn.transcript)).toEqual(["one", "queued", "now"]);
  });
});
