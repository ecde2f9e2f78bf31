import { join } from "node:path";
import { expect, it } from "vitest";
import { loadDistBothWays } from "../../../tooling/test-helpers/load-dist-both-ways";

const EXPORTS = [
  "AdapterConformanceError",
  "adapterConformanceChecks",
  "createAgentInput",
  "describeAdapterConformance",
  "uniqueMarker",
];

// The built package, loaded by a plain Node process (no vitest, no source condition) both ways.
it("loads in plain Node through import and require", () => {
  const loaded = loadDistBothWays({
    packageDir: join(import.meta.dirname, ".."),
    body: `
      let describeError = "no error";
      if (way === "cjs") {
        try { module.describeAdapterConformance(() => ({})); } catch (error) { describeError = error.message; }
      }
      return { exports: Object.keys(module).sort(), describeError };`,
  }) as { esm: { exports: string[] }; cjs: { exports: string[]; describeError: string } };
  expect(loaded.esm.exports).toEqual(EXPORTS);
  expect(loaded.cjs.exports).toEqual(EXPORTS);
  // vitest cannot be require()d: the CommonJS build says so when the suite is asked for.
  expect(loaded.cjs.describeError).toContain(
    "describeAdapterConformance() needs vitest, which loads only as an ES module",
  );
});
