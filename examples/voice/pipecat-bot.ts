import type { FakeOpenAIServer } from "@scenario/testing";
import { type FakePipecatServer, startFakePipecatServer } from "@scenario/testing/pipecat";
import { isPocketsphinxAvailable, pocketsphinxTranscription } from "@scenario/voice";
import type { LanguageModel } from "ai";
import { speakLines, startOfflineModels } from "./offline-models";

/** What the simulated caller says, in order, when the fake model server plays its LLM. */
export const PIPECAT_CALLER_LINES = [
  "Hi, I would like to change my delivery address.",
  "The new address is twelve Main Street.",
];

/** What the shop's Pipecat bot answers, turn by turn. */
export const PIPECAT_BOT_LINES = [
  "Sure. What is the new delivery address?",
  "Thank you. Your parcel will go to twelve Main Street.",
];

/** Where the Pipecat scenario's participants connect. */
export interface PipecatVoiceEnvironment {
  /** The Pipecat bot's WebSocket URL. */
  botUrl?: string;
  /** The model of the user simulator and the judge; undefined means the configured default. */
  model?: LanguageModel;
}

let environment: PipecatVoiceEnvironment = {};

/** The environment of `pipecat-call.scenario.ts` (set by `startPipecatVoice()`). */
export function pipecatVoiceEnvironment(): PipecatVoiceEnvironment {
  return environment;
}

/** The running servers of the Pipecat example. */
export interface PipecatVoice {
  /** The fake Pipecat bot (WebSocket transport, protobuf serializer, RTVI). */
  bot: FakePipecatServer;
  /** The fake OpenAI-compatible server playing the caller's LLM and the judge (offline only). */
  models?: FakeOpenAIServer;
  /** Stops the servers and forgets them. */
  close(): Promise<void>;
}

/**
 * Starts a stand-in for a Pipecat bot on 127.0.0.1: it speaks Pipecat's WebSocket transport with
 * the protobuf frame serializer and RTVI, hears the caller with pocketsphinx when it is installed,
 * and answers with flite. With `offline`, also a fake model server for the caller's LLM and the
 * judge. Point `pipecatAgent({ url })` at your own bot instead to test it.
 */
export async function startPipecatVoice(options: { offline?: boolean } = {}): Promise<PipecatVoice> {
  const replies = await speakLines(PIPECAT_BOT_LINES);
  const bot = await startFakePipecatServer({
    reply: replies,
    thinkTimeMs: 200,
    ...((await isPocketsphinxAvailable()) && {
      transcribe: pocketsphinxTranscription({ phrases: PIPECAT_CALLER_LINES }),
    }),
  });
  let models: FakeOpenAIServer | undefined;
  environment = { botUrl: bot.url };
  if (options.offline !== false) {
    const offline = await startOfflineModels(PIPECAT_CALLER_LINES, (conversation) =>
      conversation.includes("twelve Main Street."),
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
