import {
  decodeAudio,
  encodeAudio,
  fliteSpeech,
  isPocketsphinxAvailable,
  pocketsphinxTranscription,
} from "@scenario/voice";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeTwilioBot, startFakeTwilioBot } from "./fake-twilio-bot";
import { connectRawCaller, mulawSilence, type RawTwilioCaller, receivedAudio } from "./twilio-test-client";

const bots: FakeTwilioBot[] = [];
const callers: RawTwilioCaller[] = [];

afterEach(async () => {
  for (const caller of callers.splice(0)) caller.close();
  await Promise.all(bots.splice(0).map((bot) => bot.close()));
});

const pocketsphinxAvailable = await isPocketsphinxAvailable();
const CALLER_PHRASES = ["I would like to check my balance", "please close my account"];
const REPLY_PHRASES = CALLER_PHRASES.map((phrase) => `you said ${phrase}`);

describe("startFakeTwilioBot with offline speech", () => {
  it.skipIf(!pocketsphinxAvailable)(
    "hears flite speech over μ-law 8 kHz (pocketsphinx, JSGF) and answers in flite speech a recogniser reads back",
    async () => {
      const bot = await startFakeTwilioBot({
        paceFactor: Number.POSITIVE_INFINITY,
        speech: "flite",
        transcribe: pocketsphinxTranscription({ phrases: CALLER_PHRASES }),
        vad: { silenceDurationMs: 400 },
        reply: (context) => ({ transcript: `You said ${context.callerTranscript ?? "nothing"}` }),
      });
      bots.push(bot);
      const caller = await connectRawCaller(bot.url);
      callers.push(caller);
      caller.start();
      const spoken = (await fliteSpeech().synthesize(CALLER_PHRASES[0]!)).data;
      await caller.media(encodeAudio(spoken, "mulaw-8khz"));
      await caller.media(mulawSilence(600));
      await caller.next("mark", { timeoutMs: 20_000 });
      expect(bot.turns[0]!.transcript).toBe("i would like to check my balance");
      const heard = decodeAudio(receivedAudio(caller.ofEvent("media")), "mulaw-8khz");
      const recognised = await pocketsphinxTranscription({ phrases: REPLY_PHRASES }).transcribe(heard);
      expect(recognised).toBe("you said i would like to check my balance");
      expect(bot.violations).toEqual([]);
    },
    30_000,
  );
});
