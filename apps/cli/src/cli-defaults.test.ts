import { DEFAULT_OUTPUT_DIR } from "@scenario/events";
import { CACHE_MODES } from "@scenario/llm";
import { describe, expect, it } from "vitest";
import { CACHE_MODE_CHOICES, DEFAULT_OUTPUT_DIR as CLI_DEFAULT_OUTPUT_DIR } from "./cli-defaults";

// cli-defaults.ts copies these so `--help` need not load their packages; the copies must not drift.
describe("the defaults --help shows", () => {
  it("equal the values of the packages they come from", () => {
    expect(CLI_DEFAULT_OUTPUT_DIR).toBe(DEFAULT_OUTPUT_DIR);
    expect([...CACHE_MODE_CHOICES]).toEqual([...CACHE_MODES]);
  });
});
