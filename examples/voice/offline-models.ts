import { createOpenAI } from "@ai-sdk/openai";
import {
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { fliteSpeech } from "@scenario/voice";
import type { LanguageModel } from "ai";

/** The fake model server of an offline voice demo, and the model that talks to it. */
export interface OfflineModels {
  /** The fake OpenAI-compatible server playing the caller's LLM and the judge. */
  models: FakeOpenAIServer;
  /** The model to give the user simulator and the judge. */
  model: LanguageModel;
}

/**
 * Starts a fake OpenAI-compatible server on 127.0.0.1 whose user simulator says `callerLines` in
 * order and whose judge passes once `isDone` holds for the conversation so far (as JSON) and
 * continues until then. No network, no API key.
 */
export async function startOfflineModels(
  callerLines: readonly string[],
  isDone: (conversation: string) => boolean,
): Promise<OfflineModels> {
  const models = await startFakeOpenAIServer({
    reply: scenarioBehaviour({
      userSimulator: userSimulatorPersona(callerLines),
      judge: judgeBehaviour({
        decide: ({ messages }) => (isDone(JSON.stringify(messages)) ? {} : "continue"),
      }),
    }),
  });
  return {
    models,
    model: createOpenAI({ apiKey: "offline-demo", baseURL: models.baseURL })("gpt-4.1-mini"),
  };
}

/**
 * Speaks each line with flite (PCM16 24 kHz) once up front, so a fake agent's time to first audio
 * is its think time, not flite's.
 */
export async function speakLines(
  lines: readonly string[],
): Promise<Array<{ transcript: string; audio: Uint8Array }>> {
  const flite = fliteSpeech();
  return Promise.all(
    lines.map(async (transcript) => ({ transcript, audio: (await flite.synthesize(transcript)).data })),
  );
}
