import type { AudioChunk } from "@scenario/spec";
import type { FakeOpenAIServer } from "@scenario/testing";
import { type FakeTwilioBot, startFakeTwilioBot } from "@scenario/testing/twilio";
import {
  encodeAudio,
  fliteSpeech,
  isPocketsphinxAvailable,
  pocketsphinxTranscription,
  type SpeechToTextProvider,
} from "@scenario/voice";
import type { LanguageModel } from "ai";
import { startOfflineModels } from "./offline-models";

/** What the simulated caller says, in order, when the fake model server plays its LLM. */
export const TWILIO_CALLER_LINES = ["I would like to check my balance", "please close my savings account"];

/** What the bank's phone bot answers, turn by turn. */
export const TWILIO_BOT_LINES = ["Your balance is forty two dollars", "Your savings account is now closed"];

/** Where the Twilio scenario's participants connect. */
export interface TwilioVoiceEnvironment {
  /** The bot's Media Streams WebSocket URL. */
  botUrl?: string;
  /** Recognises the bot's speech, so the judge reads words (Media Streams carry no transcripts). */
  transcription?: SpeechToTextProvider;
  /** The model of the user simulator and the judge; undefined means the configured default. */
  model?: LanguageModel;
}

let environment: TwilioVoiceEnvironment = {};

/** The environment of `twilio-call.scenario.ts` (set by `startTwilioVoice()`). */
export function twilioVoiceEnvironment(): TwilioVoiceEnvironment {
  return environment;
}

/** The running servers of the Twilio example. */
export interface TwilioVoice {
  /** The fake phone bot speaking Twilio Media Streams. */
  bot: FakeTwilioBot;
  /** The fake OpenAI-compatible server playing the caller's LLM and the judge (offline only). */
  models?: FakeOpenAIServer;
  /** Stops the servers and forgets them. */
  close(): Promise<void>;
}

/**
 * Stands in for a recogniser where pocketsphinx is not installed: it "hears" the bot's lines in
 * order. Only for this demo, whose bot's lines are known.
 */
function scriptedTranscription(lines: readonly string[]): SpeechToTextProvider {
  let next = 0;
  return {
    id: "scripted",
    async transcribe(_audio: AudioChunk | Uint8Array) {
      return lines[next++ % lines.length] ?? "";
    },
  };
}

/**
 * Starts a stand-in for a bank's phone bot on 127.0.0.1: it speaks the bot's side of Twilio's
 * bidirectional Media Streams, hears the caller with pocketsphinx when it is installed, and answers
 * with flite over μ-law 8 kHz. With `offline`, also a fake model server for the caller's LLM and
 * the judge. Point `twilioAgent({ url })` at your own bot's `<Stream>` URL instead to test it.
 */
export async function startTwilioVoice(options: { offline?: boolean } = {}): Promise<TwilioVoice> {
  const flite = fliteSpeech();
  // Spoken (and put on the phone line) once up front, so the bot's time to first audio is its
  // think time, not flite's.
  const answers = await Promise.all(
    TWILIO_BOT_LINES.map(async (transcript) => ({
      transcript,
      audio: encodeAudio((await flite.synthesize(transcript)).data, "mulaw-8khz"),
    })),
  );
  const hears = await isPocketsphinxAvailable();
  const bot = await startFakeTwilioBot({
    thinkTimeMs: 250,
    ...(hears && { transcribe: pocketsphinxTranscription({ phrases: TWILIO_CALLER_LINES }) }),
    // With a recogniser the bot answers what it heard; without, it answers in turn order.
    reply: (context) => {
      const heard = TWILIO_CALLER_LINES.findIndex(
        (line) => line.toLowerCase() === context.callerTranscript?.toLowerCase(),
      );
      return answers[heard >= 0 ? heard : context.turnIndex % answers.length]!;
    },
  });
  environment = {
    botUrl: bot.url,
    transcription: hears
      ? pocketsphinxTranscription({ phrases: TWILIO_BOT_LINES })
      : scriptedTranscription(TWILIO_BOT_LINES),
  };
  let models: FakeOpenAIServer | undefined;
  if (options.offline !== false) {
    const offline = await startOfflineModels(TWILIO_CALLER_LINES, (conversation) =>
      conversation.toLowerCase().includes("account is now closed"),
    );
    models = offline.models;
    environment.model = offline.model;
  }
  return {
    bot,
    ...(models && { models }),
    async close() {
      environment = {};
      await Promise.all([bot.close(), models?.close()]);
    },
  };
}
