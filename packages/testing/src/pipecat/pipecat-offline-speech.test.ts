import {
  fliteSpeech,
  isPocketsphinxAvailable,
  pocketsphinxTranscription,
  resamplePcm,
  wordErrorRate,
} from "@scenario/voice";
import { afterEach, describe, expect, it } from "vitest";
import { type FakePipecatServer, startFakePipecatServer } from "./fake-pipecat-server";
import {
  connectRawPipecatClient,
  joinAudio,
  type RawPipecatClient,
  silenceAudio,
} from "./pipecat-test-client";

const servers: FakePipecatServer[] = [];
const clients: RawPipecatClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const pocketsphinxAvailable = await isPocketsphinxAvailable();

describe("startFakePipecatServer with offline speech", () => {
  it("recognises flite speech sent at 16 kHz with pocketsphinx and answers with flite words it can recognise back", async (context) => {
    if (!pocketsphinxAvailable) {
      if (process.env.CI) {
        throw new Error("pocketsphinx is required on CI: apt-get install pocketsphinx pocketsphinx-en-us");
      }
      context.skip("pocketsphinx is not installed (apt-get install pocketsphinx pocketsphinx-en-us).");
      return;
    }
    const line = "I would like to check my balance";
    const server = await startFakePipecatServer({
      paceFactor: Number.POSITIVE_INFINITY,
      transcribe: pocketsphinxTranscription(),
      speech: "flite",
      reply: ({ userTranscript }) => ({ transcript: `You said ${userTranscript ?? "nothing"}` }),
    });
    servers.push(server);
    const client = await connectRawPipecatClient(server.url);
    clients.push(client);
    const flite = fliteSpeech();
    const speech16k = resamplePcm((await flite.synthesize(line)).data, 24_000, 16_000);
    const audio = joinAudio([speech16k, silenceAudio(800, 16_000)]);
    for (let offset = 0; offset < audio.byteLength; offset += 640) {
      client.sendAudio(audio.subarray(offset, offset + 640), 16_000);
    }
    const transcription = await client.next((received) => received.frame?.kind === "transcription", {
      timeoutMs: 15_000,
    });
    const heard = (transcription.frame as { text: string }).text;
    expect(wordErrorRate(line, heard)).toBeLessThanOrEqual(0.2);

    await client.nextRtvi("bot-stopped-speaking", { timeoutMs: 15_000 });
    const replyAudio = joinAudio(client.audioFrames().map((frame) => frame.audio));
    const backAgain = await pocketsphinxTranscription().transcribe(replyAudio);
    expect(wordErrorRate(`you said ${heard}`, backAgain)).toBeLessThanOrEqual(0.25);
  }, 60_000);
});
