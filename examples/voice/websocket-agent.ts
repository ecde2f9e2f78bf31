import type { FakeOpenAIServer } from "@scenario/testing";
import {
  concatPcm,
  fliteSpeech,
  isPocketsphinxAvailable,
  pocketsphinxTranscription,
  type SpeechToTextProvider,
} from "@scenario/voice";
import { serveVoiceAgent, type VoiceAgentServer } from "@scenario/voice-websocket";
import type { LanguageModel } from "ai";
import { startOfflineModels } from "./offline-models";

/** What the simulated caller says, in order, when the fake model server plays its LLM. */
export const WEBSOCKET_CALLER_LINES = [
  "Hello, I would like to check my balance.",
  "My account number ends in four two one seven.",
];

/** What the bank's home-made voice agent answers, turn by turn. */
export const WEBSOCKET_AGENT_LINES = [
  "Hello, this is City Bank. Which account is it about?",
  "Thank you. The balance of that account is forty two euros.",
];

/**
 * A home-made voice agent: pocketsphinx hears the caller (when installed), a rule-based "LLM"
 * answers, and flite speaks. Any voice stack goes behind serveVoiceAgent() the same way.
 */
export async function serveBankVoiceAgent(): Promise<VoiceAgentServer> {
  const flite = fliteSpeech();
  const recogniser: SpeechToTextProvider | undefined = (await isPocketsphinxAvailable())
    ? pocketsphinxTranscription({ phrases: WEBSOCKET_CALLER_LINES })
    : undefined;
  return serveVoiceAgent(
    (session) => {
      const heard: Uint8Array[] = [];
      let turn = 0;
      session.on("audio", (audio) => heard.push(audio));
      session.on("inputEnd", async () => {
        const callerAudio = concatPcm(heard.splice(0));
        const words = recogniser ? await recogniser.transcribe(callerAudio) : undefined;
        if (words !== undefined) session.sendUserTranscript(words);
        const answer = WEBSOCKET_AGENT_LINES[Math.min(turn++, WEBSOCKET_AGENT_LINES.length - 1)]!;
        const speech = await flite.synthesize(answer);
        await session.reply(speech.data, { transcript: answer });
      });
    },
    {
      capabilities: { agentTranscripts: true, userTranscripts: recogniser !== undefined },
      agent: { name: "city-bank-voice", version: "1" },
    },
  );
}

/** Where the websocket scenario's participants connect. */
export interface WebSocketVoiceEnvironment {
  /** The home-made voice agent's URL. */
  agentUrl?: string;
  /** The model of the user simulator and the judge; undefined means the configured default. */
  model?: LanguageModel;
}

let environment: WebSocketVoiceEnvironment = {};

/** The environment of `websocket-call.scenario.ts` (set by `startWebSocketVoice()`). */
export function websocketVoiceEnvironment(): WebSocketVoiceEnvironment {
  return environment;
}

/** The running servers of the websocket example. */
export interface WebSocketVoice {
  /** The home-made voice agent behind serveVoiceAgent(). */
  agent: VoiceAgentServer;
  /** The fake OpenAI-compatible server playing the caller's LLM and the judge (offline only). */
  models?: FakeOpenAIServer;
  /** Stops the servers and forgets them. */
  close(): Promise<void>;
}

/**
 * Starts the home-made voice agent, and (with `offline`) a fake model server for the caller's LLM
 * and the judge. No network, no API key.
 */
export async function startWebSocketVoice(options: { offline?: boolean } = {}): Promise<WebSocketVoice> {
  const agent = await serveBankVoiceAgent();
  let models: FakeOpenAIServer | undefined;
  environment = { agentUrl: agent.url };
  if (options.offline !== false) {
    const offline = await startOfflineModels(WEBSOCKET_CALLER_LINES, (conversation) =>
      conversation.includes("forty two euros"),
    );
    models = offline.models;
    environment.model = offline.model;
  }
  return {
    agent,
    ...(models && { models }),
    async close() {
      environment = {};
      await Promise.all([agent.close(), models?.close()]);
    },
  };
}
