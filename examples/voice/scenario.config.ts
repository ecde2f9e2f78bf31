import { defineConfig } from "@scenario/kit";
import { startOfflineVoice } from "./offline-voice";

// The voice demo: `pnpm --filter @scenario/examples demo:voice`. It runs OFFLINE unless
// OPENAI_API_KEY is set (then the agent is OpenAI's Realtime API, and the caller's LLM and the judge
// are OpenAI models). SCENARIO_OFFLINE=1 forces offline mode.
export default defineConfig({
  testMatch: ["*.scenario.ts"],
  concurrency: 1,
  async setup() {
    if (process.env.OPENAI_API_KEY && process.env.SCENARIO_OFFLINE !== "1") {
      console.log("ONLINE: the voice agent is OpenAI's Realtime API (OPENAI_API_KEY is set).\n");
      return;
    }
    const offline = await startOfflineVoice();
    console.log(
      "OFFLINE: a local fake OpenAI Realtime server plays the bank's voice agent, and a fake model server\n" +
        `plays the caller's LLM and the judge (${offline.realtime.url}). Set OPENAI_API_KEY to call the real API.\n`,
    );
    return () => offline.close();
  },
});
