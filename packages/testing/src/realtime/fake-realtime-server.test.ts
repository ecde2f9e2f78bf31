import { ConfigurationError } from "@scenario/spec";
import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeRealtimeServer,
  type FakeRealtimeServerOptions,
  startFakeRealtimeServer,
} from "./fake-realtime-server";
import { byteDifference, connectRawClient, delay, type RawRealtimeClient } from "./realtime-test-client";
import type { RealtimeEvent } from "./realtime-types";

const servers: FakeRealtimeServer[] = [];
const clients: RawRealtimeClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: FakeRealtimeServerOptions = {}): Promise<FakeRealtimeServer> {
  const server = await startFakeRealtimeServer(options);
  servers.push(server);
  return server;
}

/** Connects and switches server VAD off, so turns are committed by hand. */
async function connectManual(server: FakeRealtimeServer): Promise<RawRealtimeClient> {
  const client = await connectRawClient(server.url);
  clients.push(client);
  await client.next("session.created");
  client.send({
    type: "session.update",
    session: { type: "realtime", audio: { input: { turn_detection: null } } },
  });
  await client.next("session.updated");
  return client;
}

function patternAudio(byteLength: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(byteLength);
  for (let index = 0; index < byteLength; index++) bytes[index] = (index * 31 + seed * 7) & 0xff;
  return bytes;
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

function joinDeltas(events: RealtimeEvent[]): Buffer {
  return Buffer.concat(events.map((event) => Buffer.from(String(event.delta), "base64")));
}

describe("startFakeRealtimeServer: handshake and session", () => {
  it("listens on 127.0.0.1 at /v1/realtime and greets with a GA session", async () => {
    const server = await start();
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime$/);
    const client = await connectRawClient(`${server.url}?model=gpt-realtime-mini`);
    clients.push(client);
    const created = await client.next("session.created");
    expect(created.event.session).toMatchObject({
      type: "realtime",
      model: "gpt-realtime-mini",
      output_modalities: ["audio"],
      audio: {
        input: { format: { type: "audio/pcm", rate: 24000 }, turn_detection: { type: "server_vad" } },
        output: { format: { type: "audio/pcm", rate: 24000 } },
      },
    });
    expect(typeof created.event.event_id).toBe("string");
  });

  it("merges session.update and echoes the whole session in session.updated", async () => {
    const server = await start();
    const client = await connectRawClient(server.url);
    clients.push(client);
    await client.next("session.created");
    client.send({
      type: "session.update",
      session: {
        type: "realtime",
        instructions: "You are a bank agent.",
        audio: { input: { turn_detection: null }, output: { voice: "marin" } },
      },
    });
    const updated = (await client.next("session.updated")).event.session;
    expect(updated).toMatchObject({
      instructions: "You are a bank agent.",
      audio: {
        input: { turn_detection: null },
        // Untouched fields survive the merge.
        output: { voice: "marin", format: { type: "audio/pcm", rate: 24000 } },
      },
    });
    expect(server.received.map((frame) => frame.type)).toEqual(["session.update"]);
    expect(server.sent.map((frame) => frame.type)).toEqual(["session.created", "session.updated"]);
  });

  it("rejects beta-shaped and typeless session.update like the GA API", async () => {
    const server = await start();
    const client = await connectRawClient(server.url);
    clients.push(client);
    client.send({ type: "session.update", event_id: "evt_a", session: { modalities: ["audio"] } });
    client.send({
      type: "session.update",
      event_id: "evt_b",
      session: { type: "realtime", modalities: ["audio"] },
    });
    const missing = (await client.next("error")).event.error as Record<string, unknown>;
    expect(missing).toMatchObject({
      code: "missing_required_parameter",
      param: "session.type",
      event_id: "evt_a",
    });
    const unknown = (await client.next("error", { count: 2 })).event.error as Record<string, unknown>;
    expect(unknown).toMatchObject({
      code: "unknown_parameter",
      param: "session.modalities",
      event_id: "evt_b",
    });
    expect(client.ofType("session.updated")).toHaveLength(0);
  });

  it("accepts any credentials and never logs them", async () => {
    const server = await start();
    const client = await connectRawClient(`${server.url}?model=gpt-realtime&api_key=sk-query-secret`, {
      headers: { Authorization: "Bearer sk-header-secret", "OpenAI-Beta": "realtime=v1" },
      protocols: ["realtime", "openai-insecure-api-key.sk-protocol-secret"],
    });
    clients.push(client);
    expect(client.socket.protocol).toBe("realtime");
    await client.next("session.created");
    client.send({ type: "response.cancel" });
    await client.next("error");
    const [connection] = server.connections;
    expect(connection?.authorized).toBe(true);
    expect(connection?.headers.authorization).toBe("Bearer [redacted]");
    expect(connection?.headers["openai-beta"]).toBe("realtime=v1");
    const everything = JSON.stringify([server.connections, server.received, server.sent]);
    expect(everything).not.toContain("sk-");
    expect(everything).toContain("[redacted]");
  });

  it("redacts cookies, proxy credentials and token headers too", async () => {
    const server = await start();
    const client = await connectRawClient(server.url, {
      headers: {
        Cookie: "session=sk-cookie-secret",
        "Proxy-Authorization": "Basic sk-proxy-secret",
        "X-Auth-Token": "sk-token-secret",
      },
    });
    clients.push(client);
    await client.next("session.created");
    const [connection] = server.connections;
    expect(connection?.headers.cookie).toBe("[redacted]");
    expect(connection?.headers["proxy-authorization"]).toBe("Basic [redacted]");
    expect(connection?.headers["x-auth-token"]).toBe("[redacted]");
    expect(connection?.authorized).toBe(true);
    expect(JSON.stringify(server.connections)).not.toContain("sk-");
  });

  it("answers malformed frames and unknown events with error events", async () => {
    const server = await start();
    const client = await connectRawClient(server.url);
    clients.push(client);
    client.socket.send("{not json");
    client.send({ type: "response.frobnicate", event_id: "evt_x" });
    expect((await client.next("error")).event.error).toMatchObject({ code: "invalid_json" });
    expect((await client.next("error", { count: 2 })).event.error).toMatchObject({
      code: "invalid_value",
      param: "type",
      event_id: "evt_x",
    });
    expect(server.received.map((frame) => frame.type)).toEqual(["(invalid)", "response.frobnicate"]);
  });

  it("rejects bad options with a ConfigurationError naming the option", async () => {
    await expect(startFakeRealtimeServer({ thinkTimeMs: -1 })).rejects.toThrow(ConfigurationError);
    await expect(startFakeRealtimeServer({ paceFactor: 0 })).rejects.toThrow(/paceFactor/);
    await expect(startFakeRealtimeServer({ chunkMs: 0 })).rejects.toThrow(/chunkMs/);
    await expect(startFakeRealtimeServer({ reply: [] })).rejects.toThrow(/reply/);
  });
});

describe("startFakeRealtimeServer: input audio", () => {
  it("keeps the appended bytes of each committed turn exactly", async () => {
    const server = await start();
    const client = await connectManual(server);
    const parts = [patternAudio(4800, 1), patternAudio(962, 2), patternAudio(2400, 3)];
    for (const part of parts) client.send({ type: "input_audio_buffer.append", audio: b64(part) });
    client.send({ type: "input_audio_buffer.commit" });
    const committed = await client.next("input_audio_buffer.committed");
    const created = await client.next("conversation.item.created");
    expect(created.event.item).toMatchObject({
      id: committed.event.item_id,
      type: "message",
      role: "user",
      content: [{ type: "input_audio" }],
    });
    const second = patternAudio(1000, 9);
    client.send({ type: "input_audio_buffer.append", audio: b64(second) });
    client.send({ type: "input_audio_buffer.commit" });
    const committedAgain = await client.next("input_audio_buffer.committed", { count: 2 });
    expect(committedAgain.event.previous_item_id).toBe(committed.event.item_id);

    expect(server.commitCount).toBe(2);
    expect(byteDifference(server.turns[0]!.audio, Buffer.concat(parts))).toBeUndefined();
    expect(byteDifference(server.turns[1]!.audio, second)).toBeUndefined();
    expect(server.turns.map((turn) => turn.committedBy)).toEqual(["client", "client"]);
  });

  it("clears the buffer, and refuses empty commits and invalid base64", async () => {
    const server = await start();
    const client = await connectManual(server);
    client.send({ type: "input_audio_buffer.append", audio: b64(patternAudio(480, 1)) });
    client.send({ type: "input_audio_buffer.clear" });
    await client.next("input_audio_buffer.cleared");
    client.send({ type: "input_audio_buffer.commit", event_id: "evt_commit" });
    expect((await client.next("error")).event.error).toMatchObject({
      code: "input_audio_buffer_commit_empty",
      event_id: "evt_commit",
    });
    client.send({ type: "input_audio_buffer.append", audio: "%%%" });
    expect((await client.next("error", { count: 2 })).event.error).toMatchObject({ param: "audio" });
    expect(server.turns).toHaveLength(0);
  });
});

describe("startFakeRealtimeServer: responses", () => {
  it("streams the policy's audio byte for byte, with transcript deltas and ids, in GA order", async () => {
    const audio = patternAudio(4800 * 3 + 1234, 5);
    const contexts: unknown[] = [];
    const server = await start({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: (context) => {
        contexts.push({ ...context, session: undefined });
        return { transcript: "Your balance is forty two dollars.", audio };
      },
    });
    const client = await connectManual(server);
    const userAudio = patternAudio(960, 4);
    client.send({ type: "input_audio_buffer.append", audio: b64(userAudio) });
    client.send({ type: "input_audio_buffer.commit" });
    client.send({ type: "response.create" });
    const done = await client.next("response.done");

    const types = client.events.map((received) => received.event.type);
    const responseTypes = types.slice(types.indexOf("response.created"));
    const deltas = client.ofType("response.output_audio.delta").map((received) => received.event);
    expect(deltas).toHaveLength(4);
    expect(responseTypes.slice(0, 2)).toEqual(["response.created", "response.output_item.added"]);
    expect(responseTypes.indexOf("response.content_part.added")).toBeLessThan(
      responseTypes.indexOf("response.output_audio.delta"),
    );
    const tail = responseTypes.filter(
      (type) => !type.startsWith("conversation.") && !type.endsWith(".delta"),
    );
    expect(tail.slice(-5)).toEqual([
      "response.output_audio.done",
      "response.output_audio_transcript.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.done",
    ]);

    expect(byteDifference(joinDeltas(deltas), audio)).toBeUndefined();
    const responseId = (client.ofType("response.created")[0]!.event.response as { id: string }).id;
    const itemId = (client.ofType("response.output_item.added")[0]!.event.item as { id: string }).id;
    for (const delta of deltas) {
      expect(delta).toMatchObject({
        response_id: responseId,
        item_id: itemId,
        output_index: 0,
        content_index: 0,
      });
    }
    const transcript = client
      .ofType("response.output_audio_transcript.delta")
      .map((received) => received.event.delta)
      .join("");
    expect(transcript).toBe("Your balance is forty two dollars.");
    expect(client.ofType("response.output_audio_transcript.done")[0]!.event.transcript).toBe(transcript);

    expect(done.event.response).toMatchObject({
      id: responseId,
      status: "completed",
      output: [
        {
          id: itemId,
          role: "assistant",
          status: "completed",
          content: [{ type: "output_audio", transcript }],
        },
      ],
      usage: { output_token_details: { audio_tokens: 4 } }, // 326 ms of audio at ~1 token per 100 ms
    });

    expect(contexts).toEqual([
      expect.objectContaining({ turnIndex: 0, connectionId: 0, userAudio: new Uint8Array(userAudio) }), // 960 bytes: small enough to diff
    ]);
    expect(server.responseCreateCount).toBe(1);
    expect(server.responses[0]).toMatchObject({
      id: responseId,
      itemId,
      outcome: "completed",
      deltaCount: 4,
      sentAudioBytes: audio.byteLength,
    });
  });

  it("waits the think time before the first audio (server default and per reply)", async () => {
    const server = await start({
      thinkTimeMs: 400,
      paceFactor: Number.POSITIVE_INFINITY,
      reply: "One moment.",
    });
    const client = await connectManual(server);
    client.send({ type: "input_audio_buffer.append", audio: b64(patternAudio(960, 1)) });
    client.send({ type: "input_audio_buffer.commit" });
    await client.next("input_audio_buffer.committed");
    const askedAt = client.send({ type: "response.create" });
    const firstAudio = await client.next("response.output_audio.delta");
    expect(firstAudio.atMs - askedAt).toBeGreaterThanOrEqual(400);
    expect(firstAudio.atMs - askedAt).toBeLessThan(400 + 300);
    await client.next("response.done");

    // A reply's own think time wins over the server's.
    server.setReply(() => ({ transcript: "Quick answer.", thinkTimeMs: 0 }));
    const askedAgainAt = client.send({ type: "response.create" });
    const deltasBefore = client.ofType("response.output_audio.delta").length;
    const secondAudio = await client.next("response.output_audio.delta", { count: deltasBefore + 1 });
    expect(secondAudio.atMs - askedAgainAt).toBeLessThan(0 + 300);
    expect(server.responses[0]!.firstAudioAtMs! - server.responses[0]!.requestedAtMs).toBeGreaterThanOrEqual(
      400,
    );
  });

  it("paces deltas at chunkMs of audio per chunkMs of wall time, divided by paceFactor", async () => {
    const audio = patternAudio(4800 * 5, 3); // 500 ms: 5 deltas of 100 ms
    const server = await start({ reply: () => ({ transcript: "paced", audio }) });
    const client = await connectManual(server);
    client.send({ type: "response.create" });
    await client.next("response.done", { timeoutMs: 5000 });
    const deltas = client.ofType("response.output_audio.delta");
    expect(deltas).toHaveLength(5);
    expect(deltas[4]!.atMs - deltas[0]!.atMs).toBeGreaterThanOrEqual(300);

    const fast = await start({ paceFactor: 4, reply: () => ({ transcript: "paced", audio }) });
    const fastClient = await connectManual(fast);
    fastClient.send({ type: "response.create" });
    await fastClient.next("response.done");
    const fastRecord = fast.responses[0]!;
    const firstToDone = fastRecord.endedAtMs! - fastRecord.firstAudioAtMs!;
    // Four 25 ms gaps: at least 100 ms, and well under the 400 ms real-time pacing would take.
    expect(firstToDone).toBeGreaterThanOrEqual(100);
    expect(firstToDone).toBeLessThan(400);
  });

  it("speaks canned replies with synthetic audio sized by the transcript by default", async () => {
    const server = await start({ paceFactor: Number.POSITIVE_INFINITY });
    const client = await connectManual(server);
    client.send({ type: "response.create" });
    await client.next("response.done");
    client.send({ type: "response.create" });
    await client.next("response.done", { count: 2 });
    const [first, second] = server.responses;
    expect(first!.transcript).toBe("Hello! How can I help you today?");
    expect(second!.transcript).not.toBe(first!.transcript);
    // Longer line, longer audio; both non-silent PCM16.
    expect(second!.audio!.byteLength).toBeGreaterThan(first!.audio!.byteLength);
    expect(first!.audio!.some((byte) => byte !== 0)).toBe(true);
    expect(first!.audio!.byteLength % 2).toBe(0);
  });

  it("speaks transcripts with the speech option when a reply has no audio", async () => {
    const spoken = patternAudio(4800 + 96, 8);
    const asked: string[] = [];
    const server = await start({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: "Custom voice.",
      speech: async (transcript) => {
        asked.push(transcript);
        return spoken;
      },
    });
    const client = await connectManual(server);
    client.send({ type: "response.create" });
    await client.next("response.done");
    expect(asked).toEqual(["Custom voice."]);
    const streamed = joinDeltas(
      client.ofType("response.output_audio.delta").map((received) => received.event),
    );
    expect(byteDifference(streamed, spoken)).toBeUndefined();
  });

  it("lets tests wait for frames on the server side", async () => {
    const server = await start({ paceFactor: Number.POSITIVE_INFINITY });
    const client = await connectManual(server);
    const waiting = server.waitForFrame("response.done");
    client.send({ type: "response.create" });
    const frame = await waiting;
    expect(frame).toMatchObject({ direction: "sent", connectionId: 0, type: "response.done" });
    const create = await server.waitForFrame("response.create", { direction: "received" });
    expect(create.atMs).toBeLessThanOrEqual(frame.atMs);
    await expect(server.waitForFrame("response.done", { count: 2, timeoutMs: 100 })).rejects.toThrow(
      /#2 'response.done' frame was sent within 100 ms/,
    );
  });

  it("passes text user items and transcriptions to the policy", async () => {
    const seen: Array<string | undefined> = [];
    const server = await start({
      paceFactor: Number.POSITIVE_INFINITY,
      transcribe: (audio) => `heard ${audio.byteLength} bytes`,
      reply: (context) => {
        seen.push(context.userTranscript);
        return { transcript: "ok" };
      },
    });
    const client = await connectManual(server);
    client.send({
      type: "conversation.item.create",
      item: { type: "message", role: "user", content: [{ type: "input_text", text: "What is my balance?" }] },
    });
    await client.next("conversation.item.created");
    client.send({ type: "response.create" });
    await client.next("response.done");

    client.send({
      type: "session.update",
      session: { type: "realtime", audio: { input: { transcription: { model: "whisper-1" } } } },
    });
    client.send({ type: "input_audio_buffer.append", audio: b64(patternAudio(960, 1)) });
    client.send({ type: "input_audio_buffer.commit" });
    const transcription = await client.next("conversation.item.input_audio_transcription.completed");
    expect(transcription.event.transcript).toBe("heard 960 bytes");
    client.send({ type: "response.create" });
    await client.next("response.done", { count: 2 });
    expect(seen).toEqual(["What is my balance?", "heard 960 bytes"]);
    expect(server.turns[0]!.transcript).toBe("heard 960 bytes");
  });

  it("refuses a second response.create while one is active, like the real API", async () => {
    const server = await start({ thinkTimeMs: 200, paceFactor: Number.POSITIVE_INFINITY, reply: "First." });
    const client = await connectManual(server);
    client.send({ type: "response.create" });
    client.send({ type: "response.create", event_id: "evt_second" });
    const error = (await client.next("error")).event.error as Record<string, unknown>;
    expect(error).toMatchObject({
      type: "invalid_request_error",
      code: "conversation_already_has_active_response",
      event_id: "evt_second",
    });
    await client.next("response.done");
    expect(client.ofType("response.created")).toHaveLength(1);
    expect(server.responseCreateCount).toBe(2);
    expect(server.responses).toHaveLength(1);
    // Once the first is done, a new one is accepted.
    client.send({ type: "response.create" });
    await client.next("response.done", { count: 2 });
  });
});

describe("startFakeRealtimeServer: cancel and truncate", () => {
  it("stops deltas at response.cancel and ends with response.done cancelled", async () => {
    const audio = patternAudio(4800 * 20, 2); // 2 s at real-time pace
    const server = await start({ reply: () => ({ transcript: "A long answer that gets cut off.", audio }) });
    const client = await connectManual(server);
    client.send({ type: "response.create" });
    await client.next("response.output_audio.delta", { count: 2 });
    client.send({ type: "response.cancel" });
    const done = await client.next("response.done");
    expect(done.event.response).toMatchObject({
      status: "cancelled",
      status_details: { type: "cancelled", reason: "client_cancelled" },
      output: [{ status: "incomplete" }],
    });
    await delay(350);
    const doneIndex = client.events.indexOf(done);
    const deltasAfter = client.events
      .slice(doneIndex + 1)
      .filter((received) => received.event.type.startsWith("response."));
    expect(deltasAfter).toEqual([]);
    expect(server.cancels).toHaveLength(1);
    expect(server.cancels[0]).toMatchObject({ reason: "client_cancelled", connectionId: 0 });
    expect(server.cancels[0]!.atMs).toBeGreaterThan(server.responses[0]!.firstAudioAtMs!);
    expect(server.responses[0]!.outcome).toBe("cancelled");
    expect(server.responses[0]!.deltaCount).toBeLessThan(20);
    expect(server.cancels[0]!.deltasBeforeCancel).toBe(server.responses[0]!.deltaCount);
  });

  it("errors on response.cancel with nothing active", async () => {
    const server = await start();
    const client = await connectManual(server);
    client.send({ type: "response.cancel", event_id: "evt_cancel" });
    expect((await client.next("error")).event.error).toMatchObject({
      code: "response_cancel_not_active",
      event_id: "evt_cancel",
    });
    expect(server.cancels).toHaveLength(0);
  });

  it("truncates an assistant item and records audio_end_ms", async () => {
    const server = await start({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: "Here is a reply to truncate.",
    });
    const client = await connectManual(server);
    client.send({ type: "response.create" });
    const added = await client.next("response.output_item.added");
    const itemId = (added.event.item as { id: string }).id;
    await client.next("response.done");
    client.send({ type: "conversation.item.truncate", item_id: itemId, content_index: 0, audio_end_ms: 250 });
    const truncated = await client.next("conversation.item.truncated");
    expect(truncated.event).toMatchObject({ item_id: itemId, content_index: 0, audio_end_ms: 250 });
    expect(server.truncates).toEqual([
      expect.objectContaining({ connectionId: 0, itemId, contentIndex: 0, audioEndMs: 250 }),
    ]);

    client.send({
      type: "conversation.item.truncate",
      item_id: "item_nope",
      content_index: 0,
      audio_end_ms: 10,
    });
    expect((await client.next("error")).event.error).toMatchObject({ param: "item_id" });
    client.send({
      type: "conversation.item.truncate",
      item_id: itemId,
      content_index: 0,
      audio_end_ms: 999_999,
    });
    expect((await client.next("error", { count: 2 })).event.error).toMatchObject({ param: "audio_end_ms" });
    expect(server.truncates).toHaveLength(1);
  });
});
