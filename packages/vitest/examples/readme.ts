// vitest.config.ts
import { scenarioVitest } from "@scenario/vitest";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [scenarioVitest()],
});
