import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { syntheticSpeech } from "../realtime/synthetic-speech";
import {
  type FakeVoiceWebSocketServer,
  type FakeVoiceWebSocketServerOptions,
  startFakeVoiceWebSocketServer,
} from "./fake-voice-websocket-server";

// A raw protocol client: what the fake sends is checked frame by frame, without the adapter.

const servers: FakeVoiceWebSocketServer[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fake(options: FakeVoiceWebSocketServerOptions = {}): Promise<FakeVoiceWebSocketServer> {
  const server = await startFakeVoiceWebSocketServer(options);
  servers.push(server);
  return server;
}

type Message = { type: string } & Record<string, unknown>;

interface RawClient {
  socket: WebSocket;
  messages: Message[];
  audio: Buffer[];
  /** Every frame in arrival order: a message's type, or "audio". */
  order: string[];
  closed: Promise<{ code: number }>;
  send(message: Message): void;
  next(type: string, count?: number): Promise<Message>;
}

async function connect(url: string, start: Record<string, unknown> | null = {}): Promise<RawClient> {
  const socket = new WebSocket(url);
  sockets.push(socket);
  const messages: Message[] = [];
  const audio: Buffer[] = [];
  const order: string[] = [];
  const waiters = new Set<() => void>();
  socket.on("message", (data: Buffer, isBinary) => {
    if (isBinary) {
      audio.push(data);
      order.push("audio");
    } else {
      let message: Message;
      try {
        message = JSON.parse(data.toString()) as Message;
      } catch {
        message = { type: "(unparseable)", raw: data.toString() };
      }
      messages.push(message);
      order.push(message.type);
    }
    for (const waiter of [...waiters]) waiter();
  });
  const closed = new Promise<{ code: number }>((resolve) => socket.on("close", (code) => resolve({ code })));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const client: RawClient = {
    socket,
    messages,
    audio,
    order,
    closed,
    send: (message) => socket.send(JSON.stringify(message)),
    next: (type, count = 1) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const found = messages.filter((message) => message.type === type)[count - 1];
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no '${type}' #${count} within 5 s; got ${order.join(", ")}`));
        }, 5000);
        waiters.add(check);
        check();
      }),
  };
  if (start !== null) {
    client.send({ type: "session.start", protocol: "scenario-voice", versions: [1], ...start });
    await client.next("session.started");
  }
  return client;
}

function noise(bytes: number, seed: number): Uint8Array {
  const audio = new Uint8Array(bytes);
  let state = seed;
  for (let index = 0; index < bytes; index++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    audio[index] = state >>> 24;
  }
  return audio;
}

describe("fake voice WebSocket server: handshake", () => {
  it("acknowledges session.start with the version, formats, turn detection and capabilities", async () => {
    const server = await fake({ capabilities: { dtmf: false } });
    const client = await connect(server.url, {
      input: { encoding: "pcm16", sampleRateHz: 16_000, channels: 1 },
      turnDetection: "server",
      metadata: { scenario: "x" },
    });
    expect(client.messages[0]).toEqual({
      type: "session.started",
      version: 1,
      sessionId: "sess_fake_0",
      input: { encoding: "pcm16", sampleRateHz: 16_000, channels: 1 },
      output: { encoding: "pcm16", sampleRateHz: 24_000, channels: 1 },
      turnDetection: "server",
      capabilities: {
        serverVad: true,
        agentTranscripts: true,
        userTranscripts: true,
        toolCalls: true,
        dtmf: false,
        textInput: true,
      },
      agent: { name: "fake-voice-agent", version: "1" },
    });
    expect(server.connections[0]?.turnDetection).toBe("server");
    client.send({ type: "dtmf", digits: "1" });
    expect((await client.next("error")).code).toBe("unsupported");
  });

  it("refuses a client with no common version (fatal error, close 4000) and names its versions", async () => {
    const server = await fake({ versions: [1] });
    const client = await connect(server.url, null);
    client.send({ type: "session.start", protocol: "scenario-voice", versions: [2, 3] });
    const error = await client.next("error");
    expect(error).toMatchObject({ code: "unsupported_version", fatal: true, supportedVersions: [1] });
    expect((await client.closed).code).toBe(4000);
  });

  it("picks the highest common version", async () => {
    const server = await fake({ versions: [1, 2] });
    const client = await connect(server.url, null);
    client.send({ type: "session.start", protocol: "scenario-voice", versions: [1, 2] });
    expect((await client.next("session.started")).version).toBe(2);
  });

  it("refuses audio before session.start and an unknown format", async () => {
    const server = await fake();
    const early = await connect(server.url, null);
    early.socket.send(new Uint8Array(10));
    expect(await early.next("error")).toMatchObject({ code: "invalid_state", fatal: true });
    expect((await early.closed).code).toBe(4002);

    const odd = await connect(server.url, null);
    odd.send({
      type: "session.start",
      protocol: "scenario-voice",
      versions: [1],
      input: { encoding: "mulaw", sampleRateHz: 16_000, channels: 1 },
    });
    expect(await odd.next("error")).toMatchObject({ code: "unsupported_format", fatal: true });
    expect((await odd.closed).code).toBe(4001);
  });
});

describe("fake voice WebSocket server: turns and replies", () => {
  it("keeps the turn's audio byte for byte, thinks, then sends the reply paced in real time with transcripts", async () => {
    const replyAudio = noise(24_000 * 2 * 0.4, 7); // 400 ms at 24 kHz
    const server = await fake({
      thinkTimeMs: 150,
      chunkMs: 50,
      reply: [{ transcript: "Hello there caller.", audio: replyAudio }],
    });
    const client = await connect(server.url);
    const userAudio = noise(4800, 3);
    client.socket.send(userAudio.subarray(0, 2400));
    client.socket.send(userAudio.subarray(2400));
    client.send({ type: "input.end" });
    const done = await client.next("response.done");
    const firstAudioAt = server.responses[0]!.firstAudioAtMs!;

    expect(server.turns[0]?.audio).toEqual(userAudio);
    expect(server.turns[0]?.endedBy).toBe("input.end");
    expect(Buffer.concat(client.audio)).toEqual(Buffer.from(replyAudio));
    expect(client.audio).toHaveLength(8);
    expect(done).toMatchObject({ status: "completed", audioMs: 400 });
    // Think time, then 400 ms of audio paced in real time (the last frame leaves 350 ms after the first).
    expect(firstAudioAt - server.turns[0]!.endedAtMs).toBeGreaterThanOrEqual(150);
    expect(server.responses[0]!.endedAtMs! - firstAudioAt).toBeGreaterThanOrEqual(350);
    const transcripts = client.messages.filter((message) => message.type === "transcript");
    expect(transcripts.at(-1)).toEqual({
      type: "transcript",
      speaker: "agent",
      text: "Hello there caller.",
      final: true,
      responseId: "resp_fake_0_1",
    });
    expect(transcripts.slice(0, -1).every((message) => message.final === false)).toBe(true);
    expect(client.order[client.order.indexOf("response.started") + 1]).toBe("audio");
  });

  it("answers input.text, reports tool calls, and hands DTMF to the policy", async () => {
    const server = await fake({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: ({ userTranscript, dtmf }) => ({
        transcript: `You said ${userTranscript} and pressed ${dtmf}.`,
        toolCalls: [{ name: "lookup", arguments: { q: userTranscript }, output: { found: true } }],
      }),
    });
    const client = await connect(server.url);
    client.send({ type: "dtmf", digits: "12#" });
    client.send({ type: "input.text", text: "hello" });
    client.send({ type: "input.end" });
    await client.next("response.done");
    expect(client.order.slice(1, 4)).toEqual(["tool.call", "tool.result", "response.started"]);
    expect(client.messages.find((message) => message.type === "tool.call")).toMatchObject({
      name: "lookup",
      arguments: { q: "hello" },
    });
    const final = client.messages.filter((message) => message.type === "transcript").at(-1);
    expect(final?.text).toBe("You said hello and pressed 12#.");
    expect(server.dtmf.map((entry) => entry.digits)).toEqual(["12#"]);
  });

  it("speaks mu-law 8 kHz when asked, and recognises the caller through the transcriber", async () => {
    const server = await fake({
      paceFactor: Number.POSITIVE_INFINITY,
      transcribe: (pcm) => `heard ${pcm.byteLength} bytes`,
      reply: ({ userTranscript }) => ({ transcript: userTranscript ?? "nothing" }),
    });
    const mulaw = { encoding: "mulaw", sampleRateHz: 8000, channels: 1 };
    const client = await connect(server.url, { input: mulaw, output: mulaw });
    client.socket.send(new Uint8Array(800).fill(0xff)); // 100 ms of mu-law silence
    client.send({ type: "input.end" });
    const userTranscript = await client.next("transcript");
    // 100 ms of 8 kHz mu-law is 100 ms of 24 kHz PCM16 for the recogniser.
    expect(userTranscript).toEqual({
      type: "transcript",
      speaker: "user",
      text: "heard 4800 bytes",
      final: true,
    });
    await client.next("response.done");
    const spoken = Buffer.concat(client.audio);
    const speechMs = syntheticSpeech("heard 4800 bytes").byteLength / 48;
    expect(spoken.byteLength).toBe(Math.round(speechMs * 8));
  });
});

describe("fake voice WebSocket server: interrupts and VAD", () => {
  it("stops at the client's interrupt, sends no more audio, and says so", async () => {
    const server = await fake({
      chunkMs: 20,
      reply: [{ transcript: "A long answer.", audio: noise(48_000 * 2, 5) }],
    });
    const client = await connect(server.url);
    client.send({ type: "input.end" });
    await client.next("response.started");
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.send({ type: "interrupt", playedMs: 150 });
    const done = await client.next("response.done");
    expect(done).toMatchObject({ status: "interrupted", reason: "client" });
    const framesAtDone = client.audio.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.audio.length).toBe(framesAtDone);
    expect(client.order.at(-1)).toBe("response.done");
    expect(server.interrupts).toEqual([
      expect.objectContaining({ by: "client", playedMs: 150, responseId: "resp_fake_0_1" }),
    ]);
    expect(server.responses[0]?.outcome).toBe("interrupted");
    expect(server.interrupts[0]!.sentAudioMs).toBeLessThan(2000);
  });

  it("barges in by itself when its VAD hears the caller over the reply", async () => {
    const server = await fake({
      chunkMs: 20,
      reply: [{ transcript: "A long answer.", audio: noise(48_000 * 2, 5) }],
    });
    const client = await connect(server.url);
    client.send({ type: "input.end" });
    await client.next("response.started");
    client.socket.send(syntheticSpeech("wait a moment please"));
    expect(await client.next("speech.started")).toMatchObject({ speaker: "user" });
    expect(await client.next("response.done")).toMatchObject({
      status: "interrupted",
      reason: "user_speech",
    });
    expect(server.interrupts[0]?.by).toBe("user_speech");
  });

  it("with server turn detection, ends the turn when the caller falls silent and answers once", async () => {
    const server = await fake({ paceFactor: Number.POSITIVE_INFINITY, vad: { silenceDurationMs: 300 } });
    const client = await connect(server.url, { turnDetection: "server" });
    const speech = syntheticSpeech("I would like to check my balance");
    client.socket.send(Buffer.concat([speech, Buffer.alloc(24 * 2 * 600)]));
    await client.next("speech.stopped");
    await client.next("response.done");
    client.send({ type: "input.end" }); // a hint only: the VAD already answered
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.turns.map((turn) => turn.endedBy)).toEqual(["vad"]);
    expect(server.responses).toHaveLength(1);
  });
});

describe("fake voice WebSocket server: faults", () => {
  it("closes mid-reply after N frames", async () => {
    const server = await fake({ paceFactor: Number.POSITIVE_INFINITY, chunkMs: 50 });
    server.injectFault({ type: "close", afterChunks: 2, code: 1011 });
    const client = await connect(server.url);
    client.send({ type: "input.end" });
    expect((await client.closed).code).toBe(1011);
    expect(client.audio).toHaveLength(2);
    expect(server.responses[0]?.outcome).toBe("connection-closed");
  });

  it("sends a malformed frame, an error, or nothing at all", async () => {
    const server = await fake({ paceFactor: Number.POSITIVE_INFINITY });
    server.injectFault({ type: "malformed", afterChunks: 1 });
    server.injectFault({ type: "error", code: "agent_error", message: "TTS down" });
    server.injectFault({ type: "silence" });
    const client = await connect(server.url);
    client.send({ type: "input.end" });
    await client.next("response.done");
    expect(client.order.slice(0, 5)).toEqual([
      "session.started",
      "response.started",
      "audio",
      "transcript",
      "(unparseable)",
    ]);

    client.send({ type: "input.end" });
    expect(await client.next("error")).toMatchObject({
      code: "agent_error",
      message: "TTS down",
      fatal: false,
    });

    client.send({ type: "input.end" });
    await server.waitFor(() => server.responses[2]?.outcome === "silent");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.messages.filter((message) => message.type === "response.started")).toHaveLength(1);
  });

  it("logs every frame with its direction and size", async () => {
    const server = await fake({ paceFactor: Number.POSITIVE_INFINITY });
    const client = await connect(server.url);
    client.socket.send(new Uint8Array(480));
    client.send({ type: "input.end" });
    await client.next("response.done");
    expect(server.received.map((frame) => frame.type)).toEqual(["session.start", "audio", "input.end"]);
    expect(server.received[1]?.byteLength).toBe(480);
    expect(server.sent[0]?.type).toBe("session.started");
    expect(server.sent.filter((frame) => frame.type === "audio").length).toBe(client.audio.length);
  });
});
