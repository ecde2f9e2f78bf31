import { fliteSpeech, isPocketsphinxAvailable, pocketsphinxTranscription } from "@scenario/voice";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeRealtimeServer, startFakeRealtimeServer } from "./fake-realtime-server";
import { byteDifference, connectRawClient, type RawRealtimeClient } from "./realtime-test-client";

const servers: FakeRealtimeServer[] = [];
const clients: RawRealtimeClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const pocketsphinxAvailable = await isPocketsphinxAvailable();

async function connect(server: FakeRealtimeServer): Promise<RawRealtimeClient> {
  const client = await connectRawClient(server.url);
  clients.push(client);
  await client.next("session.created");
  return client;
}

describe("startFakeRealtimeServer with offline speech", () => {
  it('speaks replies with flite when speech is "flite"', async () => {
    const server = await startFakeRealtimeServer({
      turnDetection: null,
      paceFactor: Number.POSITIVE_INFINITY,
      speech: "flite",
      reply: "Your balance is forty two dollars.",
    });
    servers.push(server);
    const client = await connect(server);
    client.send({ type: "response.create" });
    await client.next("response.done");
    const streamed = Buffer.concat(
      client
        .ofType("response.output_audio.delta")
        .map((received) => Buffer.from(String(received.event.delta), "base64")),
    );
    const expected = (await fliteSpeech().synthesize("Your balance is forty two dollars.")).data;
    expect(streamed.byteLength).toBeGreaterThan(24_000); // more than half a second of speech
    expect(byteDifference(streamed, expected)).toBeUndefined();
  });

  it("rejects an unknown speech option", async () => {
    await expect(startFakeRealtimeServer({ speech: "espeak" as "flite" })).rejects.toThrow(
      /Unknown `speech` option/,
    );
  });

  it.skipIf(!pocketsphinxAvailable)(
    "hears flite user speech through a SpeechToTextProvider (pocketsphinx)",
    async () => {
      const phrases = ["I would like to check my balance", "please close my account"];
      const seen: Array<string | undefined> = [];
      const server = await startFakeRealtimeServer({
        paceFactor: Number.POSITIVE_INFINITY,
        vad: { silenceDurationMs: 300 },
        transcribe: pocketsphinxTranscription({ phrases }),
        reply: (context) => {
          seen.push(context.userTranscript);
          return { transcript: `You said: ${context.userTranscript ?? "nothing"}` };
        },
      });
      servers.push(server);
      const client = await connect(server);
      const userAudio = (await fliteSpeech().synthesize(phrases[0]!)).data;
      const trailingSilence = new Uint8Array(500 * 48);
      for (const piece of [userAudio, trailingSilence]) {
        client.send({ type: "input_audio_buffer.append", audio: Buffer.from(piece).toString("base64") });
      }
      await client.next("response.done", { timeoutMs: 15_000 });
      expect(seen.map((text) => text?.toLowerCase())).toEqual(["i would like to check my balance"]);
      expect(server.turns[0]!.committedBy).toBe("server_vad");
    },
  );
});
