import { defineConfig } from "@scenario/kit";
import { startOfflineModel } from "./offline/offline-model";

// The demo runs OFFLINE unless OPENAI_API_KEY is set: `setup` then starts a local fake
// OpenAI-compatible server that plays the support agent's model, the simulated customer and the
// judge. With a key, every model call goes to OpenAI. SCENARIO_OFFLINE=1 forces offline mode.
export default defineConfig({
  concurrency: 4,
  maxTurns: 6,
  testIgnore: ["voice/**"],
  async setup() {
    const online = Boolean(process.env.OPENAI_API_KEY) && process.env.SCENARIO_OFFLINE !== "1";
    if (online) {
      console.log(
        "ONLINE: using OpenAI (OPENAI_API_KEY is set) for the agent, the simulated user and the judge.\n",
      );
      return;
    }
    const offline = await startOfflineModel();
    console.log(
      "OFFLINE: no OPENAI_API_KEY, so a local fake model server plays the support agent, the simulated user and the judge\n" +
        `(${offline.baseURL}, scripted replies). Set OPENAI_API_KEY to run against the real model.\n`,
    );
    return () => offline.close();
  },
});
