import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeCollector, startCollector } from "./fixtures";
import { runChild } from "./run-child";

// Generous: a hanging timer (the reference library keeps one for 300 s) would blow far past it.
const EXIT_BOUND_MS = 5000;

let directory: string;
let collector: FakeCollector | undefined;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "scenario-exit-"));
});
afterEach(async () => {
  await collector?.close();
  collector = undefined;
  rmSync(directory, { recursive: true, force: true });
});

describe("a process using the bus and every reporter", () => {
  it("exits by itself right after drain() when the collector is healthy", { timeout: 60_000 }, async () => {
    collector = await startCollector();
    const outcome = await runChild("drain-and-exit", {
      CHILD_OUTPUT_DIR: directory,
      LANGWATCH_ENDPOINT: collector.url,
      LANGWATCH_API_KEY: "sk-exit-test",
    });
    expect(outcome.stderr).toBe("");
    expect(outcome.killed).toBe(false);
    expect(outcome.code).toBe(0);
    expect(outcome.exitAfterDrainMs).toBeLessThan(EXIT_BOUND_MS);
    expect(collector.accepted).toHaveLength(18);
    expect(outcome.stdout).toContain("Scenarios  1 passed · 1 failed · 1 errored · 0 cancelled (3 total)");
    for (const file of ["events.jsonl", "junit.xml", "index.html"]) {
      expect(existsSync(join(directory, "scenario-reports", file))).toBe(true);
    }
  });

  it("exits by itself after drain() spooled what an unreachable collector could not take", {
    timeout: 60_000,
  }, async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((done) => server.close(() => done()));
    const outcome = await runChild("drain-and-exit", {
      CHILD_OUTPUT_DIR: directory,
      CHILD_HTTP_DRAIN_TIMEOUT_MS: "300",
      LANGWATCH_ENDPOINT: `http://127.0.0.1:${port}`,
      LANGWATCH_API_KEY: "sk-exit-test",
    });
    expect(outcome.killed).toBe(false);
    expect(outcome.code).toBe(0);
    expect(outcome.exitAfterDrainMs).toBeLessThan(EXIT_BOUND_MS);
    expect(outcome.stderr).toContain("18 events could not be delivered");
    expect(readdirSync(join(directory, ".scenario", "spool"))).toHaveLength(1);
  });
});
