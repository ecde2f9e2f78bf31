import { defineConfig } from "@scenario/kit";
import { startOfflineModel } from "../offline/offline-model";
import { startOfflineVoice } from "./offline-voice";
import { startPipecatVoice } from "./pipecat-bot";
import { startTwilioVoice } from "./twilio-bot";
import { startWebSocketVoice } from "./websocket-agent";

// The voice demo: `pnpm --filter @scenario/examples demo:voice`. It runs OFFLINE unless
// OPENAI_API_KEY is set (then the agent is OpenAI's Realtime API, and the caller's LLM and the judge
// are OpenAI models). SCENARIO_OFFLINE=1 forces offline mode.
export default defineConfig({
  testMatch: ["*.scenario.ts"],
  concurrency: 1,
  async setup() {
    const online = Boolean(process.env.OPENAI_API_KEY) && process.env.SCENARIO_OFFLINE !== "1";
    // websocket-call.scenario.ts: a home-made voice agent behind serveVoiceAgent(), local either way.
    const websocket = await startWebSocketVoice({ offline: !online });
    // pipecat-call.scenario.ts: a stand-in Pipecat bot, local either way.
    const pipecat = await startPipecatVoice({ offline: !online });
    // twilio-call.scenario.ts: a stand-in phone bot on Twilio Media Streams, local either way.
    const twilio = await startTwilioVoice({ offline: !online });
    if (online) {
      console.log("ONLINE: the voice agent is OpenAI's Realtime API (OPENAI_API_KEY is set).\n");
      return async () => {
        await Promise.all([websocket.close(), pipecat.close(), twilio.close()]);
      };
    }
    const offline = await startOfflineVoice();
    // support-calls.scenario.ts: the support agent's model, the customer and the judge.
    const support = await startOfflineModel();
    console.log(
      "OFFLINE: a local fake OpenAI Realtime server plays the bank's voice agent, and a fake model server\n" +
        `plays the caller's LLM and the judge (${offline.realtime.url}). Set OPENAI_API_KEY to call the real API.\n`,
    );
    return async () => {
      await Promise.all([
        offline.close(),
        support.close(),
        websocket.close(),
        pipecat.close(),
        twilio.close(),
      ]);
    };
  },
});
