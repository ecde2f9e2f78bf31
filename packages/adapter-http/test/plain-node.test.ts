import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";

const dist = join(import.meta.dirname, "..", "dist");
const EXPORTS = ["httpAgent", "toChatCompletionsMessages"];

// The built package, loaded by a plain Node process (no vitest, no source condition) both ways.
it("loads in plain Node through import and require", () => {
  if (!existsSync(join(dist, "index.cjs"))) {
    throw new Error(
      "dist is missing: build the package first (turbo run build --filter=@scenario/adapter-http).",
    );
  }
  const script = `
    const esm = await import(${JSON.stringify(pathToFileURL(join(dist, "index.js")).href)});
    const { createRequire } = await import("node:module");
    const cjs = createRequire(import.meta.url)(${JSON.stringify(join(dist, "index.cjs"))});
    console.log(JSON.stringify({ esm: Object.keys(esm).sort(), cjs: Object.keys(cjs).sort() }));
  `;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  const loaded = JSON.parse(output.trim().split("\n").at(-1) ?? "{}");
  expect(loaded.esm).toEqual(EXPORTS);
  expect(loaded.cjs).toEqual(EXPORTS);
});
