import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startCollector } from "../../../../packages/events/test/fixtures";
import { finishedRuns, runCli } from "../cli-harness";
import {
  COLLECTOR_API_KEY,
  COLLECTOR_FIXTURE,
  collectorEnv,
  collectorTestHooks,
  emittedEventIds,
  idsOfBodies,
  spooledEventIds,
  unusedPort,
} from "./collector-harness";

// Each test spawns the CLI: room on a loaded machine.
const hooks = collectorTestHooks(120_000);

function outputFolder(prefix: string): { path: string; spoolDir: string } {
  const folder = hooks.temporaryDirectory(prefix);
  return { path: folder.path, spoolDir: join(folder.path, "spool") };
}

describe("scenario run with the collector down or failing", () => {
  it("collector down (connection refused): the run passes, exits by itself, and every event is spooled once", async () => {
    const port = await unusedPort();
    const output = outputFolder("scenario-collector-down-");
    const result = await runCli(["run", "scenarios/quick.scenario.ts", "-o", output.path], {
      cwd: COLLECTOR_FIXTURE,
      env: collectorEnv(`http://127.0.0.1:${port}`, output.spoolDir),
    });

    expect(result.code).toBe(0);
    expect(finishedRuns(join(output.path, "events.jsonl"))).toHaveLength(6);
    const emitted = emittedEventIds(output.path);
    const spooled = spooledEventIds(output.spoolDir);
    // Nothing acknowledged, so emitted = spooled: each emitted event exactly once (sorted lists, not sets).
    expect([...spooled].sort()).toEqual([...emitted].sort());
    expect(result.stderr).toContain(`${emitted.length} events could not be delivered`);
    expect(result.stderr).toContain("ECONNREFUSED");
    expect(`${result.stdout}${result.stderr}`).not.toContain(COLLECTOR_API_KEY);
  });

  it("collector answering 500: after the bounded drain every event is in the spool, none acknowledged", async () => {
    const collector = hooks.closeAfterTest(
      await startCollector((_request, response) => {
        response.writeHead(500).end("down for maintenance");
      }),
    );
    const output = outputFolder("scenario-collector-500-");
    const result = await runCli(["run", "scenarios/quick.scenario.ts", "-o", output.path], {
      cwd: COLLECTOR_FIXTURE,
      env: collectorEnv(collector.url, output.spoolDir),
    });

    expect(result.code).toBe(0);
    const emitted = emittedEventIds(output.path);
    const spooled = spooledEventIds(output.spoolDir);
    expect(collector.accepted).toEqual([]);
    expect(collector.requests.length).toBeGreaterThan(0);
    // What was tried carries the ids of emitted events.
    expect(
      idsOfBodies(collector.requests.map((request) => request.body)).every((id) => emitted.includes(id)),
    ).toBe(true);
    expect([...spooled].sort()).toEqual([...emitted].sort());
    expect(result.stderr).toContain("(HTTP 500); retrying with backoff");
    expect(`${result.stdout}${result.stderr}`).not.toContain(COLLECTOR_API_KEY);
  });
});
