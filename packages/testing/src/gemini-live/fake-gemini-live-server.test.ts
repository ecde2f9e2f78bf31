import { base64ToPcm, pcmToBase64, resamplePcm } from "@scenario/voice";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { syntheticSpeech } from "../realtime/synthetic-speech";
import { type RecordingSocket, recordMessages } from "../shared/raw-test-socket";
import {
  type FakeGeminiLiveServer,
  type FakeGeminiLiveServerOptions,
  startFakeGeminiLiveServer,
} from "./index";

// The fake spoken to with a raw `ws` client, message by message, as the Live API documents them.

type Message = Record<string, unknown>;

const servers: FakeGeminiLiveServer[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: FakeGeminiLiveServerOptions = {}): Promise<FakeGeminiLiveServer> {
  const server = await startFakeGeminiLiveServer(options);
  servers.push(server);
  return server;
}

interface Client extends RecordingSocket<Message> {
  send(message: Message): void;
  /** Resolves with the first message received that has `field`. */
  next(field: string, count?: number): Promise<Message>;
}

async function connect(url: string): Promise<Client> {
  const socket = new WebSocket(`${url}?key=secret-key-123`);
  sockets.push(socket);
  const recording = await recordMessages(socket, (data) => JSON.parse(data.toString()) as Message);
  return {
    ...recording,
    send: (message) => socket.send(JSON.stringify(message)),
    next: (field, count = 1) =>
      recording.waitFor(
        () => recording.entries.filter((entry) => entry[field] !== undefined)[count - 1],
        5000,
        () =>
          `No ${count}. '${field}' message within 5000 ms; got ${JSON.stringify(recording.entries.map(Object.keys))}.`,
      ),
  };
}

const MANUAL_SETUP = {
  setup: {
    model: "models/gemini-test",
    generationConfig: { responseModalities: ["AUDIO"] },
    realtimeInputConfig: { automaticActivityDetection: { disabled: true } },
    outputAudioTranscription: {},
    sessionResumption: {},
  },
};

function audioMessage(pcm16k: Uint8Array): Message {
  return { realtimeInput: { audio: { mimeType: "audio/pcm;rate=16000", data: pcmToBase64(pcm16k) } } };
}

/** The modelTurn audio of the messages so far, joined. */
function modelAudio(entries: readonly Message[]): number {
  let bytes = 0;
  for (const entry of entries) {
    const content = entry.serverContent as { modelTurn?: { parts: Array<{ inlineData: { data: string } }> } };
    for (const part of content?.modelTurn?.parts ?? []) bytes += base64ToPcm(part.inlineData.data).byteLength;
  }
  return bytes;
}

describe("fake Gemini Live server: protocol", () => {
  it("answers setup, takes a manual turn, speaks the reply with transcription, usage and a resumption handle", async () => {
    const reply = new Uint8Array(24 * 2 * 200).fill(7);
    const server = await start({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: [{ transcript: "Hi there friend.", audio: reply }],
    });
    const client = await connect(server.url);
    client.send(MANUAL_SETUP);
    expect(await client.next("setupComplete")).toEqual({ setupComplete: {} });
    const caller = resamplePcm(syntheticSpeech("Hello"), 24_000, 16_000);
    client.send({ realtimeInput: { activityStart: {} } });
    client.send(audioMessage(caller));
    client.send({ realtimeInput: { activityEnd: {} } });
    const done = await client.next("usageMetadata");
    expect(done.serverContent).toEqual({ turnComplete: true });
    expect(done.usageMetadata).toMatchObject({ responseTokenCount: 7, totalTokenCount: expect.any(Number) });
    expect(modelAudio(client.entries)).toBe(reply.byteLength);
    const words = client.entries
      .map(
        (entry) =>
          (entry.serverContent as { outputTranscription?: { text: string } })?.outputTranscription?.text,
      )
      .filter((text) => text !== undefined);
    expect(words.join("")).toBe("Hi there friend.");
    expect(
      client.entries.some((entry) => (entry.serverContent as Message)?.generationComplete === true),
    ).toBe(true);
    expect(await client.next("sessionResumptionUpdate")).toEqual({
      sessionResumptionUpdate: { newHandle: "fake-resumption-handle-1", resumable: true },
    });
    expect(server.turns).toMatchObject([{ endedBy: "activityEnd", audio: caller }]);
    // The key is redacted from the log.
    expect(server.connections[0]).toMatchObject({
      authorized: true,
      url: expect.stringMatching(/\?key=\[redacted\]$/),
    });
    expect(JSON.stringify([server.connections, server.received, server.sent])).not.toContain(
      "secret-key-123",
    );
  });

  it("refuses a first message other than setup, and an activityStart without manual activity, by closing with 1007", async () => {
    const server = await start();
    const first = await connect(server.url);
    first.send({ realtimeInput: { activityStart: {} } });
    expect((await first.closed).code).toBe(1007);
    const second = await connect(server.url);
    second.send({ setup: { model: "models/gemini-test" } });
    await second.next("setupComplete");
    second.send({ realtimeInput: { activityStart: {} } });
    expect((await second.closed).code).toBe(1007);
  });

  it("with automatic activity detection, ends the turn on the caller's silence", async () => {
    const server = await start({ paceFactor: Number.POSITIVE_INFINITY, vad: { silenceDurationMs: 200 } });
    const client = await connect(server.url);
    client.send({ setup: { model: "models/gemini-test" } });
    await client.next("setupComplete");
    const speech = resamplePcm(syntheticSpeech("Hello there"), 24_000, 16_000);
    client.send(audioMessage(speech));
    client.send(audioMessage(new Uint8Array(16 * 2 * 400)));
    await client.next("usageMetadata");
    expect(server.turns.map((turn) => turn.endedBy)).toEqual(["vad"]);
    expect(server.responses[0]?.outcome).toBe("completed");
  });

  it("calls a function, waits for the toolResponse, and asks the policy again with it", async () => {
    const server = await start({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: ({ toolResponses }) =>
        toolResponses === undefined
          ? { transcript: "", toolCalls: [{ name: "lookup", args: { q: "x" } }] }
          : { transcript: `Found ${JSON.stringify(toolResponses[0]?.response)}` },
    });
    const client = await connect(server.url);
    client.send(MANUAL_SETUP);
    await client.next("setupComplete");
    client.send({
      clientContent: { turns: [{ role: "user", parts: [{ text: "look" }] }], turnComplete: true },
    });
    const toolCall = (await client.next("toolCall")).toolCall as { functionCalls: Array<{ id: string }> };
    expect(toolCall.functionCalls).toEqual([{ id: "function-call-0-0-0", name: "lookup", args: { q: "x" } }]);
    client.send({
      toolResponse: {
        functionResponses: [{ id: "function-call-0-0-0", name: "lookup", response: { n: 1 } }],
      },
    });
    await client.next("usageMetadata");
    expect(server.responses[0]).toMatchObject({
      transcript: 'Found {"n":1}',
      toolResponses: [{ id: "function-call-0-0-0", name: "lookup", response: { n: 1 } }],
      outcome: "completed",
    });
  });

  it("on activityStart mid-reply sends the late chunks, then interrupted, and cancels pending calls", async () => {
    const server = await start({
      paceFactor: 1,
      chunkMs: 20,
      lateAudioChunks: 2,
      reply: "A long reply that goes on and on for a while.",
    });
    const client = await connect(server.url);
    client.send(MANUAL_SETUP);
    await client.next("setupComplete");
    client.send({ clientContent: { turnComplete: true } });
    await server.waitFor(() => (server.responses[0]?.chunkCount ?? 0) >= 3);
    client.send({ realtimeInput: { activityStart: {} } });
    const interrupted = await client.waitFor(
      () => client.entries.find((entry) => (entry.serverContent as Message)?.interrupted === true),
      5000,
      () => "no interrupted",
    );
    expect(interrupted).toEqual({ serverContent: { interrupted: true } });
    expect(server.interruptions).toMatchObject([{ by: "activityStart", lateChunks: 2 }]);
    const interruption = server.interruptions[0]!;
    expect(server.responses[0]?.sentAudioBytes).toBe(interruption.sentAudioBytesBefore + 2 * 20 * 48);
    expect(server.responses[0]?.outcome).toBe("interrupted");
  });

  it("resumes a session from its handle and refuses an unknown one with 1008", async () => {
    const server = await start({ paceFactor: Number.POSITIVE_INFINITY, reply: ["One.", "Two."] });
    const first = await connect(server.url);
    first.send(MANUAL_SETUP);
    await first.next("setupComplete");
    first.send({ clientContent: { turnComplete: true } });
    const update = (await first.next("sessionResumptionUpdate")).sessionResumptionUpdate as {
      newHandle: string;
    };
    const second = await connect(server.url);
    second.send({ setup: { ...MANUAL_SETUP.setup, sessionResumption: { handle: update.newHandle } } });
    await second.next("setupComplete");
    second.send({ clientContent: { turnComplete: true } });
    await second.next("usageMetadata");
    // The resumed session goes on with its next turn.
    expect(
      server.responses.map((response) => [response.connectionId, response.turnIndex, response.transcript]),
    ).toEqual([
      [0, 0, "One."],
      [1, 1, "Two."],
    ]);
    const third = await connect(server.url);
    third.send({ setup: { ...MANUAL_SETUP.setup, sessionResumption: { handle: "made-up" } } });
    expect((await third.closed).code).toBe(1008);
  });
});
