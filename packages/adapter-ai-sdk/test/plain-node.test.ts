import { join } from "node:path";
import { expect, it } from "vitest";
import { loadDistBothWays } from "../../../tooling/test-helpers/load-dist-both-ways";

const EXPORTS = ["aiSdkAgent", "toTokenUsage"];

// The built package, loaded by a plain Node process (no vitest, no source condition) both ways.
it("loads in plain Node through import and require", () => {
  const loaded = loadDistBothWays({
    packageDir: join(import.meta.dirname, ".."),
    body: "return Object.keys(module).sort();",
  });
  expect(loaded.esm).toEqual(EXPORTS);
  expect(loaded.cjs).toEqual(EXPORTS);
});
