// scenario.config.ts
import { defineConfig } from "@scenario/kit";

export default defineConfig({
  concurrency: 8,
  reporters: ["console", "junit", "html"],
  outputDir: "scenario-reports",
  cacheMode: "replay", // CI replays recorded model calls and fails on a miss
  maxTurns: 8,
  async setup() {
    process.env.AGENT_URL ??= "http://127.0.0.1:3000";
  },
});
