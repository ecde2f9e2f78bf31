import { concatPcm, pcmToBase64, silence, toPcm16k } from "@scenario/voice";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { syntheticSpeech } from "../realtime/synthetic-speech";
import { recordMessages } from "../shared/raw-test-socket";
import type { ElevenLabsMessage } from "./elevenlabs-types";
import {
  type FakeElevenLabsServer,
  type FakeElevenLabsServerOptions,
  startFakeElevenLabsServer,
} from "./fake-elevenlabs-server";

const servers: FakeElevenLabsServer[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: FakeElevenLabsServerOptions = {}): Promise<FakeElevenLabsServer> {
  const server = await startFakeElevenLabsServer({ pingIntervalMs: 0, ...options });
  servers.push(server);
  return server;
}

/** A raw client: every message it receives, parsed, and a way to wait for one of a type. */
async function connect(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
  sockets.push(socket);
  const recording = await recordMessages<ElevenLabsMessage>(socket, (data) => JSON.parse(data.toString()));
  const send = (message: ElevenLabsMessage) => socket.send(JSON.stringify(message));
  const next = (type: string, count = 1) =>
    recording.waitFor(
      () => recording.entries.filter((entry) => entry.type === type)[count - 1],
      5000,
      () => `no '${type}' #${count}; got ${recording.entries.map((entry) => entry.type).join(", ")}`,
    );
  return { socket, received: recording.entries, closed: recording.closed, send, next };
}

/** Sends PCM16 16 kHz audio as 20 ms `user_audio_chunk`s, paced in real time. */
async function speak(send: (message: ElevenLabsMessage) => void, pcm16k: Uint8Array): Promise<void> {
  for (let offset = 0; offset < pcm16k.byteLength; offset += 640) {
    send({ user_audio_chunk: pcmToBase64(pcm16k.subarray(offset, offset + 640)) });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("fake ElevenLabs server", () => {
  it("starts a conversation, hears a turn, and answers with a transcript and audio carrying one event id", async () => {
    const reply = new Uint8Array(3200).map((_, index) => index % 251);
    const server = await start({
      vad: { silenceDurationMs: 200 },
      transcribe: () => "hello there",
      reply: { transcript: "Hi, how can I help?", audio: reply },
      chunkMs: 25,
    });
    const client = await connect(`${server.url}?agent_id=agent_1`, { "xi-api-key": "secret-key" });
    client.send({ type: "conversation_initiation_client_data", dynamic_variables: { name: "Ada" } });
    const metadata = await client.next("conversation_initiation_metadata");
    expect(metadata.conversation_initiation_metadata_event).toMatchObject({
      agent_output_audio_format: "pcm_16000",
      user_input_audio_format: "pcm_16000",
    });
    await speak(client.send, concatPcm([toPcm16k(syntheticSpeech("Hello there")), toPcm16k(silence(400))]));
    await client.next("audio", 4);
    expect(client.received.map((message) => message.type).slice(0, 4)).toEqual([
      "conversation_initiation_metadata",
      "user_transcript",
      "agent_response",
      "audio",
    ]);
    const audio = client.received.filter((message) => message.type === "audio");
    const events = audio.map((message) => message.audio_event as { audio_base_64: string; event_id: number });
    expect(new Set(events.map((event) => event.event_id))).toEqual(new Set([server.replies[0]!.eventId]));
    const bytes = concatPcm(
      events.map((event) => new Uint8Array(Buffer.from(event.audio_base_64, "base64"))),
    );
    expect(Buffer.from(bytes).equals(Buffer.from(reply))).toBe(true);
    expect(server.connections[0]).toMatchObject({
      agentId: "agent_1",
      auth: "api-key",
      initiation: { dynamicVariables: { name: "Ada" } },
    });
    expect(server.connections[0]!.headers["xi-api-key"]).toBe("[redacted]");
    expect(server.violations).toEqual([]);
  });

  it("records a client that breaks the protocol", async () => {
    const server = await start({ pingIntervalMs: 50 });
    const client = await connect(`${server.url}?agent_id=agent_1`);
    client.send({ user_audio_chunk: "AAAA" });
    client.send({ type: "conversation_initiation_client_data" });
    await client.next("ping");
    client.send({ type: "pong", event_id: 999 });
    client.send({ type: "client_tool_result", tool_call_id: "nope", result: "x", is_error: false });
    client.send({ type: "no_such_message" });
    await server.waitFor(() => server.violations.length >= 4);
    expect(server.violations.map((violation) => violation.message)).toEqual([
      "'user_audio_chunk' before conversation_initiation_client_data",
      "'pong' with event_id 999 for no ping awaiting one",
      `'client_tool_result' for "nope", which is no call awaiting a result`,
      "unknown message type 'no_such_message'",
    ]);
  });

  it("closes a connection without agent_id, or with the wrong key, with code 1008", async () => {
    const server = await start({ apiKey: "right" });
    const anonymous = await connect(server.url);
    expect((await anonymous.closed).code).toBe(1008);
    const wrongKey = await connect(`${server.url}?agent_id=a`, { "xi-api-key": "wrong" });
    expect((await wrongKey.closed).code).toBe(1008);
    const signed = await connect(server.signedUrl("a"));
    signed.send({ type: "conversation_initiation_client_data" });
    await signed.next("conversation_initiation_metadata");
    expect(server.connections.map((connection) => connection.auth)).toEqual([
      "none",
      "api-key",
      "signed-url",
    ]);
    expect(server.violations.map((violation) => violation.message)).toEqual(["no agent_id in the URL"]);
  });
});
