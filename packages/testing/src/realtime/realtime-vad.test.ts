import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeRealtimeServer,
  type FakeRealtimeServerOptions,
  startFakeRealtimeServer,
} from "./fake-realtime-server";
import { byteDifference, connectRawClient, delay, type RawRealtimeClient } from "./realtime-test-client";
import { syntheticSpeech } from "./synthetic-speech";

const servers: FakeRealtimeServer[] = [];
const clients: RawRealtimeClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const BYTES_PER_MS = 48;
const silenceOf = (ms: number) => new Uint8Array(ms * BYTES_PER_MS);

async function startWithVad(
  options: FakeRealtimeServerOptions = {},
  turnDetection: Record<string, unknown> = {},
): Promise<{ server: FakeRealtimeServer; client: RawRealtimeClient; appended: Uint8Array[] }> {
  const server = await startFakeRealtimeServer({ paceFactor: Number.POSITIVE_INFINITY, ...options });
  servers.push(server);
  const client = await connectRawClient(server.url);
  clients.push(client);
  await client.next("session.created");
  client.send({
    type: "session.update",
    session: {
      type: "realtime",
      audio: {
        input: { turn_detection: { type: "server_vad", silence_duration_ms: 200, ...turnDetection } },
      },
    },
  });
  await client.next("session.updated");
  return { server, client, appended: [] };
}

/**
 * Appends audio in pieces, like a microphone stream (but as fast as the socket takes it). 110 ms
 * pieces do not line up with the VAD's 20 ms frames, so a decision can land mid-append.
 */
function stream(client: RawRealtimeClient, appended: Uint8Array[], audio: Uint8Array, pieceMs = 110): void {
  for (let offset = 0; offset < audio.byteLength; offset += pieceMs * BYTES_PER_MS) {
    const piece = audio.subarray(offset, Math.min(audio.byteLength, offset + pieceMs * BYTES_PER_MS));
    appended.push(piece);
    client.send({ type: "input_audio_buffer.append", audio: Buffer.from(piece).toString("base64") });
  }
}

describe("startFakeRealtimeServer: energy VAD stand-in for server_vad", () => {
  it("detects speech, commits the turn and responds on its own", async () => {
    const { server, client, appended } = await startWithVad({ reply: "Got it." });
    const speech = syntheticSpeech("I would like to check my balance");
    const speechMs = speech.byteLength / BYTES_PER_MS;
    stream(client, appended, silenceOf(300));
    stream(client, appended, speech);
    stream(client, appended, silenceOf(400));

    const started = await client.next("input_audio_buffer.speech_started");
    const stopped = await client.next("input_audio_buffer.speech_stopped");
    const committed = await client.next("input_audio_buffer.committed");
    const done = await client.next("response.done");
    expect(Number(started.event.audio_start_ms)).toBeGreaterThanOrEqual(280);
    expect(Number(started.event.audio_start_ms)).toBeLessThanOrEqual(340);
    expect(Number(stopped.event.audio_end_ms)).toBeGreaterThanOrEqual(300 + speechMs - 60);
    expect(Number(stopped.event.audio_end_ms)).toBeLessThanOrEqual(300 + speechMs + 20);
    expect(started.event.item_id).toBe(committed.event.item_id);
    expect(stopped.event.item_id).toBe(committed.event.item_id);
    expect(done.event.response).toMatchObject({ status: "completed" });

    const order = client.events.map((received) => received.event.type);
    expect(order.indexOf("input_audio_buffer.speech_stopped")).toBeLessThan(
      order.indexOf("input_audio_buffer.committed"),
    );
    expect(order.indexOf("input_audio_buffer.committed")).toBeLessThan(order.indexOf("response.created"));
    expect(server.responseCreateCount).toBe(0);
    expect(server.responses[0]).toMatchObject({ requestedBy: "server_vad", outcome: "completed" });
    const [turn] = server.turns;
    expect(turn).toMatchObject({ committedBy: "server_vad", itemId: committed.event.item_id });
    // The committed audio is exactly the appended stream up to the point where the silence ran out.
    const all = Buffer.concat(appended);
    expect(byteDifference(turn!.audio, all.subarray(0, turn!.audio.byteLength))).toBeUndefined();
    // ...which is the end of speech plus the session's 200 ms of silence.
    expect(turn!.audio.byteLength).toBe((Number(stopped.event.audio_end_ms) + 200) * BYTES_PER_MS);
    expect(server.responses).toHaveLength(1);
  });

  it("keeps audio after the decision for the next turn, and finds the next utterance", async () => {
    const { server, client, appended } = await startWithVad({ reply: ["First.", "Second."] });
    stream(client, appended, syntheticSpeech("hello there"));
    stream(client, appended, silenceOf(400));
    stream(client, appended, syntheticSpeech("what is my balance"));
    stream(client, appended, silenceOf(400));
    await client.next("response.done", { count: 2 });
    expect(server.turns).toHaveLength(2);
    const all = Buffer.concat(appended);
    const first = server.turns[0]!.audio.byteLength;
    const both = Buffer.concat([server.turns[0]!.audio, server.turns[1]!.audio]);
    expect(byteDifference(both, all.subarray(0, first + server.turns[1]!.audio.byteLength))).toBeUndefined();
    expect(server.responses.map((response) => response.transcript)).toEqual(["First.", "Second."]);
  });

  it("ignores silence and quiet noise", async () => {
    const { server, client, appended } = await startWithVad();
    const hiss = new Uint8Array(1000 * BYTES_PER_MS);
    for (let index = 0; index < hiss.byteLength; index += 2) hiss[index] = (index * 13) % 40; // ~ -60 dBFS
    stream(client, appended, silenceOf(500));
    stream(client, appended, hiss);
    client.send({ type: "input_audio_buffer.clear" });
    await client.next("input_audio_buffer.cleared");
    expect(client.ofType("input_audio_buffer.speech_started")).toHaveLength(0);
    expect(server.turns).toHaveLength(0);
  });

  it("cancels the reply in flight when the user barges in", async () => {
    const long = syntheticSpeech("This is a long answer ".repeat(6));
    const { server, client, appended } = await startWithVad({
      paceFactor: 1,
      reply: (context) =>
        context.turnIndex === 0 ? { transcript: "long", audio: long } : { transcript: "Okay." },
    });
    stream(client, appended, syntheticSpeech("tell me everything"));
    stream(client, appended, silenceOf(300));
    await client.next("response.output_audio.delta", { count: 2 });
    stream(client, appended, syntheticSpeech("wait stop"));
    const bargeIn = await client.next("input_audio_buffer.speech_started", { count: 2 });
    const cancelled = await client.next("response.done");
    expect(cancelled.event.response).toMatchObject({
      status: "cancelled",
      status_details: { type: "cancelled", reason: "turn_detected" },
    });
    expect(client.events.indexOf(cancelled)).toBeGreaterThan(client.events.indexOf(bargeIn));
    const deltasBeforeDone = client.events
      .slice(0, client.events.indexOf(cancelled))
      .filter((received) => received.event.type === "response.output_audio.delta").length;
    expect(server.cancels).toEqual([
      expect.objectContaining({ reason: "turn_detected", responseId: server.responses[0]!.id }),
    ]);
    expect(server.responses[0]!.outcome).toBe("cancelled");

    stream(client, appended, silenceOf(300));
    const second = await client.next("response.done", { count: 2 });
    expect(second.event.response).toMatchObject({ status: "completed" });
    // No delta of the cancelled response arrived after its response.done.
    const firstResponseId = server.responses[0]!.id;
    const lateDeltas = client.events
      .slice(client.events.indexOf(cancelled) + 1)
      .filter((received) => received.event.response_id === firstResponseId);
    expect(lateDeltas).toEqual([]);
    expect(deltasBeforeDone).toBe(server.responses[0]!.deltaCount);
    expect(server.turns).toHaveLength(2);
  });

  it("honours create_response: false and interrupt_response: false", async () => {
    const { server, client, appended } = await startWithVad(
      {},
      { create_response: false, interrupt_response: false },
    );
    stream(client, appended, syntheticSpeech("no reply please"));
    stream(client, appended, silenceOf(300));
    await client.next("input_audio_buffer.committed");
    await delay(100);
    expect(client.ofType("response.created")).toHaveLength(0);

    server.setReply(() => ({ transcript: "slow", audio: syntheticSpeech("slow reply ".repeat(4)) }));
    client.send({ type: "response.create" });
    await client.next("response.output_audio.delta");
    stream(client, appended, syntheticSpeech("talking over you"));
    await client.next("input_audio_buffer.speech_started", { count: 2 });
    const done = await client.next("response.done");
    expect(done.event.response).toMatchObject({ status: "completed" });
    expect(server.cancels).toHaveLength(0);
  });

  it("leaves turns to the client when turn detection is off", async () => {
    const server = await startFakeRealtimeServer({ turnDetection: null });
    servers.push(server);
    const client = await connectRawClient(server.url);
    clients.push(client);
    const created = await client.next("session.created");
    expect(created.event.session).toMatchObject({ audio: { input: { turn_detection: null } } });
    const appended: Uint8Array[] = [];
    stream(client, appended, syntheticSpeech("hello there"));
    stream(client, appended, silenceOf(800));
    client.send({ type: "input_audio_buffer.commit" });
    await client.next("input_audio_buffer.committed");
    expect(client.ofType("input_audio_buffer.speech_started")).toHaveLength(0);
    expect(client.ofType("response.created")).toHaveLength(0);
    expect(byteDifference(server.turns[0]!.audio, Buffer.concat(appended))).toBeUndefined();
  });
});
