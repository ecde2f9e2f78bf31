import { describe, expect, it } from "vitest";
import { fliteSpeech, pcmDurationMs, rmsEnergy } from "./index";

describe("fliteSpeech", () => {
  // First in the file: node:wasi warns once per process, when first loaded.
  it("does not print node:wasi's ExperimentalWarning", async () => {
    const warnings: string[] = [];
    const listener = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on("warning", listener);
    try {
      await fliteSpeech().synthesize("Quiet please.");
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", listener);
    }
    expect(warnings.filter((warning) => warning.includes("WASI"))).toEqual([]);
  });

  it("speaks text as 24 kHz PCM16 with the text as transcript", async () => {
    const audio = await fliteSpeech().synthesize("Hello, I need help with my account.");
    expect(audio.transcript).toBe("Hello, I need help with my account.");
    expect(pcmDurationMs(audio.data)).toBeGreaterThan(1000);
    expect(pcmDurationMs(audio.data)).toBeLessThan(5000);
    expect(rmsEnergy(audio.data)).toBeGreaterThan(0.01);
  });

  it("is deterministic, and voices differ", async () => {
    const speech = fliteSpeech();
    const first = await speech.synthesize("Same words every time.");
    const second = await speech.synthesize("Same words every time.");
    expect(Buffer.from(first.data).equals(Buffer.from(second.data))).toBe(true);
    const female = await speech.synthesize("Same words every time.", { voice: "slt" });
    expect(Buffer.from(first.data).equals(Buffer.from(female.data))).toBe(false);
  });

  it("returns no audio for empty text and rejects unknown voices", async () => {
    expect((await fliteSpeech().synthesize("  ")).data.byteLength).toBe(0);
    expect(() => fliteSpeech({ voice: "bob" as never })).toThrow(/Unknown flite voice "bob": use one of rms/);
    await expect(fliteSpeech().synthesize("x", { voice: "nope" })).rejects.toThrow(
      /Unknown flite voice "nope"/,
    );
  });

  it("honours an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(fliteSpeech().synthesize("x", { signal: controller.signal })).rejects.toThrow(/aborted/);
  });
});
