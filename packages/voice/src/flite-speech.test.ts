import { describe, expect, it, vi } from "vitest";
import { byteDifference } from "../../../tooling/test-helpers/voice-harness";
import { fliteSpeech, pcmDurationMs, rmsEnergy } from "./index";

describe("fliteSpeech", () => {
  // First in the file: node:wasi warns once per process, when first loaded.
  it("does not print node:wasi's ExperimentalWarning on the calling thread", async () => {
    const warnings: string[] = [];
    const listener = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on("warning", listener);
    try {
      await fliteSpeech({ worker: false }).synthesize("Quiet please.");
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

  it("synthesizes in a worker thread by default, with the same bytes as on the calling thread", async () => {
    const instantiate = vi.spyOn(WebAssembly, "instantiate");
    try {
      for (const voice of ["rms", "slt", "kal16"] as const) {
        const text = `Card number ${voice.length} is blocked, thank you.`;
        const inWorker = await fliteSpeech({ voice }).synthesize(text);
        expect(instantiate).not.toHaveBeenCalled();
        const onThread = await fliteSpeech({ voice, worker: false }).synthesize(text);
        expect(instantiate).toHaveBeenCalledTimes(1);
        instantiate.mockClear();
        expect(inWorker.data.byteLength).toBeGreaterThan(0);
        expect(byteDifference(inWorker.data, onThread.data)).toBeUndefined();
      }
    } finally {
      instantiate.mockRestore();
    }
  });

  it("speaks many lines at once from the shared workers, each line its own audio", async () => {
    const lines = Array.from({ length: 6 }, (_, index) => `This is caller number ${index + 1}.`);
    const speech = fliteSpeech();
    const together = await Promise.all(lines.map((line) => speech.synthesize(line)));
    for (const [index, line] of lines.entries()) {
      const alone = await fliteSpeech({ worker: false }).synthesize(line);
      expect(together[index]?.transcript).toBe(line);
      expect(byteDifference(together[index]!.data, alone.data)).toBeUndefined();
    }
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
