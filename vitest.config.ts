import { defineConfig } from "vitest/config";

// One vitest run for the whole workspace. Workspace packages resolve to their sources through the
// "source" export condition, so tests never depend on a stale build; the build-only checks (plain
// Node loading both ways) import from dist on purpose.
export default defineConfig({
  resolve: { conditions: ["scenario-source"] },
  ssr: { resolve: { conditions: ["scenario-source"], externalConditions: ["scenario-source"] } },
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "apps/*/src/**/*.test.ts",
      "apps/*/test/**/*.test.ts",
      "examples/**/*.test.ts",
      "tooling/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
  },
});
