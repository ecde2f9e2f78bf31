import { defineConfig } from "vitest/config";

// The reference package only loads through vite's resolver (its published ESM imports extensionless
// paths and its CJS build reads import.meta.url), so the benchmark inlines it, as its users'
// vitest runs do.
export default defineConfig({
  test: {
    include: [],
    benchmark: { include: ["**/*.bench.ts"] },
    server: { deps: { inline: ["@langwatch/scenario"] } },
  },
});
