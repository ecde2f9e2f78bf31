import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AudioChunk } from "@scenario/spec";
import { afterEach, describe, expect, it } from "vitest";
import { type SynthesizeOptions, type TextToSpeechProvider, withSpeechCache } from "./index";
import { sineTone } from "./test-signals";

function countingProvider(id = "counting") {
  const calls: Array<{ text: string; options: SynthesizeOptions }> = [];
  const provider: TextToSpeechProvider = {
    id,
    async synthesize(text, options = {}): Promise<AudioChunk> {
      calls.push({ text, options });
      return { data: sineTone(200 + text.length * 10, 100), transcript: text };
    },
  };
  return { provider, calls };
}

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("withSpeechCache", () => {
  it("synthesizes once per text, voice and style, in memory", async () => {
    const { provider, calls } = countingProvider();
    const cached = withSpeechCache(provider);
    const first = await cached.synthesize("hello", { voice: "rms" });
    const second = await cached.synthesize("hello", { voice: "rms" });
    expect(calls).toHaveLength(1);
    expect(Buffer.from(second.data).equals(Buffer.from(first.data))).toBe(true);
    expect(second.transcript).toBe("hello");

    await cached.synthesize("hello", { voice: "slt" });
    await cached.synthesize("hello", { voice: "rms", style: "angry" });
    await cached.synthesize("goodbye", { voice: "rms" });
    expect(calls).toHaveLength(4);
  });

  it("shares one synthesis between concurrent requests", async () => {
    const { provider, calls } = countingProvider();
    const cached = withSpeechCache(provider);
    await Promise.all([cached.synthesize("same"), cached.synthesize("same"), cached.synthesize("same")]);
    expect(calls).toHaveLength(1);
  });

  it("keeps audio on disk across cache instances, keyed by provider id too", async () => {
    const dir = await mkdtemp(join(tmpdir(), "scenario-tts-cache-"));
    directories.push(dir);
    const first = countingProvider();
    const original = await withSpeechCache(first.provider, { dir }).synthesize("on disk");
    expect(await readdir(dir)).toHaveLength(1);

    const second = countingProvider();
    const again = await withSpeechCache(second.provider, { dir }).synthesize("on disk");
    expect(second.calls).toHaveLength(0);
    expect(Buffer.from(again.data).equals(Buffer.from(original.data))).toBe(true);

    const other = countingProvider("other-provider");
    await withSpeechCache(other.provider, { dir }).synthesize("on disk");
    expect(other.calls).toHaveLength(1);
  });

  it("does not cache failures, and hands out copies", async () => {
    let failures = 1;
    const provider: TextToSpeechProvider = {
      id: "flaky",
      async synthesize(text) {
        if (failures-- > 0) throw new Error("rate limited");
        return { data: sineTone(300, 50), transcript: text };
      },
    };
    const cached = withSpeechCache(provider);
    await expect(cached.synthesize("x")).rejects.toThrow("rate limited");
    const audio = await cached.synthesize("x");
    audio.data.fill(0);
    expect((await cached.synthesize("x")).data.some((byte) => byte !== 0)).toBe(true);
  });
});
