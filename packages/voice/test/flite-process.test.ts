import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const packageDir = join(import.meta.dirname, "..");

// flite runs as WASI, and Node 20-22 crashes (segfault or V8 fatal error) when optimised WASI fast
// API calls meet a GC; without the workaround in fliteSpeech a plain Node process died within ~20
// syntheses here. This runs many syntheses in a fresh process, as the CLI and users do.
describe("fliteSpeech in a plain Node process", () => {
  it("synthesizes many sentences without crashing the process", () => {
    if (!existsSync(join(packageDir, "dist", "index.js"))) {
      throw new Error("packages/voice/dist is missing: build first (npm test builds before running vitest).");
    }
    const script = `
      import { fliteSpeech } from "@scenario/voice";
      const tts = fliteSpeech();
      const kept = [];
      for (let i = 0; i < 80; i++) {
        const chunk = await tts.synthesize("Sentence number " + i + " for the long synthesis check");
        kept.push(new Uint8Array(chunk.data.length));
        if (kept.length > 20) kept.shift();
      }
      console.log("synthesized 80");
    `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: packageDir,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    expect({ status: child.status, signal: child.signal, stdout: child.stdout.trim() }).toEqual({
      status: 0,
      signal: null,
      stdout: "synthesized 80",
    });
    // The child's own bound: on a loaded machine 80 syntheses take longer than vitest's default.
  }, 130_000);
});
