import type { FakeOpenAIServer } from "@scenario/testing";
import { type FakeRealtimeServer, startFakeRealtimeServer } from "@scenario/testing/realtime";
import type { LanguageModel } from "ai";
import { speakLines, startOfflineModels } from "./offline-models";

/** What the bank's voice agent says, turn by turn, when the fake realtime server plays it. */
export const BANK_AGENT_LINES = [
  "I am sorry to hear that. Before I block the card, let me explain how replacement cards work, " +
    "what happens to your recurring payments, and which fees may apply to an express delivery.",
  "Of course. Your card is now blocked, and a new one is on its way.",
];

/** What the simulated caller says, in order, when the fake model server plays its LLM. */
export const CALLER_LINES = [
  "Hi, I lost my bank card.",
  "Sorry to interrupt, please just block it right away.",
];

/** Where the voice scenario's participants connect. */
export interface VoiceEnvironment {
  /** The realtime agent's WebSocket URL; undefined means OpenAI's. */
  realtimeUrl?: string;
  /** The API key the realtime agent sends. */
  apiKey?: string;
  /** The model of the user simulator and the judge; undefined means the configured default. */
  model?: LanguageModel;
}

let environment: VoiceEnvironment = {};

/** The environment the scenario's agents use (set by `startOfflineVoice()`). */
export function voiceEnvironment(): VoiceEnvironment {
  return environment;
}

/** The running offline servers. */
export interface OfflineVoice {
  /** The fake OpenAI Realtime server playing the bank's voice agent. */
  realtime: FakeRealtimeServer;
  /** The fake OpenAI-compatible server playing the caller's LLM and the judge. */
  models: FakeOpenAIServer;
  /** Stops both servers and forgets them. */
  close(): Promise<void>;
}

/**
 * Starts everything the voice demo needs on 127.0.0.1: a fake OpenAI Realtime server whose agent
 * speaks `BANK_AGENT_LINES` (with flite, so the saved call sounds like speech) and a fake model
 * server for the caller's LLM and the judge. No network, no API key.
 */
export async function startOfflineVoice(options: { paceFactor?: number } = {}): Promise<OfflineVoice> {
  const replies = await speakLines(BANK_AGENT_LINES);
  const realtime = await startFakeRealtimeServer({
    reply: replies,
    thinkTimeMs: 250,
    // Faster than real time keeps the demo short; the barge-in still lands mid-sentence.
    paceFactor: options.paceFactor ?? 4,
  });
  const { models, model } = await startOfflineModels(CALLER_LINES, (conversation) =>
    conversation.includes("card is now blocked"),
  );
  environment = { realtimeUrl: realtime.url, apiKey: "offline-demo", model };
  return {
    realtime,
    models,
    async close() {
      environment = {};
      await Promise.all([realtime.close(), models.close()]);
    },
  };
}
