import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startCollector } from "../../../../packages/events/test/fixtures";
import { readEvents, startCli } from "../cli-harness";
import {
  COLLECTOR_FIXTURE,
  collectorEnv,
  collectorTestHooks,
  emittedEventIds,
  spooledEventIds,
  unusedPort,
  waitUntil,
} from "./collector-harness";

// Each test spawns the CLI: room on a loaded machine.
const hooks = collectorTestHooks(120_000);

function hangingRunsStarted(outputDir: string): number {
  try {
    return readEvents(join(outputDir, "events.jsonl")).filter(
      (event) =>
        event.type === "SCENARIO_RUN_STARTED" &&
        String((event.metadata as { name?: string } | undefined)?.name).startsWith("hangs"),
    ).length;
  } catch {
    return 0;
  }
}

async function interruptedRun(signals: 1 | 2, endpoint: string) {
  const output = hooks.temporaryDirectory("scenario-collector-sigint-");
  const spoolDir = join(output.path, "spool");
  const cli = startCli(["run", "scenarios", "-o", output.path], {
    cwd: COLLECTOR_FIXTURE,
    env: collectorEnv(endpoint, spoolDir),
  });
  let stderr = "";
  cli.child.stderr?.on("data", (chunk: string) => {
    stderr += chunk;
  });
  expect(await waitUntil(() => hangingRunsStarted(output.path) === 2)).toBe(true);
  cli.child.kill("SIGINT");
  if (signals === 2) {
    expect(await waitUntil(() => stderr.includes("Interrupted"))).toBe(true);
    cli.child.kill("SIGINT");
  }
  const result = await cli.done;
  return { result, outputDir: output.path, spoolDir };
}

describe("Ctrl-C with the collector down", () => {
  it("one Ctrl-C: runs cancelled, reports flushed, every event (the cancellations too) spooled once", async () => {
    const { result, outputDir, spoolDir } = await interruptedRun(1, `http://127.0.0.1:${await unusedPort()}`);
    expect(result.code).toBe(130);
    const events = readEvents(join(outputDir, "events.jsonl"));
    expect(
      events.filter((event) => event.type === "SCENARIO_RUN_FINISHED" && event.status === "CANCELLED"),
    ).toHaveLength(2);
    const emitted = emittedEventIds(outputDir);
    const spooled = spooledEventIds(spoolDir);
    expect([...spooled].sort()).toEqual([...emitted].sort());
  });

  it("two Ctrl-Cs: exits at once, and still every event emitted so far is in the spool", async () => {
    // A collector that takes connections and never answers: the flush after the first Ctrl-C waits
    // its bounded drain, and the second Ctrl-C lands inside it.
    const collector = hooks.closeAfterTest(await startCollector(() => new Promise<void>(() => {})));
    const { result, outputDir, spoolDir } = await interruptedRun(2, collector.url);
    expect(result.code).toBe(130);
    // The second Ctrl-C cut the flush short: no summary was printed, the spool was saved at once.
    expect(result.stderr).not.toMatch(/Interrupted: \d+ runs? reported/);
    expect(result.stderr).toContain("(exiting at once)");
    expect(collector.accepted).toEqual([]);
    const emitted = emittedEventIds(outputDir);
    const spooled = spooledEventIds(spoolDir);
    expect(emitted.length).toBeGreaterThan(0);
    expect([...spooled].sort()).toEqual([...emitted].sort());
  });
});
