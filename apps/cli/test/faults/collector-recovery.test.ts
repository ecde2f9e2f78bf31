import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startCollector } from "../../../../packages/events/test/fixtures";
import { readEvents, runCli, startCli } from "../cli-harness";
import {
  COLLECTOR_FIXTURE,
  collectorEnv,
  collectorTestHooks,
  emittedEventIds,
  idsOfBodies,
  spooledEventIds,
  unusedPort,
  waitUntil,
} from "./collector-harness";

// Each test spawns the CLI: room on a loaded machine.
const hooks = collectorTestHooks(180_000);

describe("scenario run with a slow collector that comes back", () => {
  it("spools what the slow collector left unacknowledged; the next run resends only that, each event once", async () => {
    // First slow: a few answers, then requests are held unanswered past the CLI's drain.
    let mode: "slow" | "back" = "slow";
    const held: ServerResponse[] = [];
    const collector = hooks.closeAfterTest(
      await startCollector((_request, response) => {
        if (mode === "back" || collector!.accepted.length + held.length < 4) {
          response.writeHead(201).end("{}");
          return;
        }
        held.push(response);
      }),
    );
    const spool = hooks.temporaryDirectory("scenario-collector-spool-");
    const first = hooks.temporaryDirectory("scenario-collector-slow-");
    const env = collectorEnv(collector.url, spool.path);

    const firstRun = await runCli(["run", "scenarios/quick.scenario.ts", "-o", first.path], {
      cwd: COLLECTOR_FIXTURE,
      env,
    });
    expect(firstRun.code).toBe(0);
    const emittedFirst = emittedEventIds(first.path);
    const ackedFirst = collector.accepted.map((event) => event.eventId ?? "(no id)");
    const spooledFirst = spooledEventIds(spool.path);
    expect(ackedFirst.length).toBeGreaterThan(0);
    expect(held.length).toBeGreaterThan(0);
    // emitted = acknowledged + spooled, nothing in both.
    expect(ackedFirst.filter((id) => spooledFirst.includes(id))).toEqual([]);
    expect([...ackedFirst, ...spooledFirst].sort()).toEqual([...emittedFirst].sort());
    const abandoned = idsOfBodies(collector.requests.map((request) => request.body)).filter(
      (id) => !ackedFirst.includes(id),
    );
    expect(abandoned.length).toBeGreaterThan(0);
    // The collector answers the held requests too late: the client has gone.
    for (const response of held.splice(0)) if (!response.destroyed) response.destroy();

    // The collector is back; the next run sends its own events and the backlog.
    mode = "back";
    const requestsBefore = collector.requests.length;
    const second = hooks.temporaryDirectory("scenario-collector-back-");
    const secondRun = await runCli(["run", "scenarios/quick.scenario.ts", "-o", second.path], {
      cwd: COLLECTOR_FIXTURE,
      env,
    });
    expect(secondRun.code).toBe(0);
    const emittedSecond = emittedEventIds(second.path);
    const acked = collector.accepted.map((event) => event.eventId ?? "(no id)");
    const resent = idsOfBodies(collector.requests.slice(requestsBefore).map((request) => request.body));

    expect(spooledEventIds(spool.path)).toEqual([]);
    // Nothing lost: every event of both runs acknowledged, and none twice (sorted lists, not sets).
    expect([...acked].sort()).toEqual([...emittedFirst, ...emittedSecond].sort());
    // Only the unacknowledged events went again, each once; an abandoned one carries its old id.
    expect(resent.filter((id) => ackedFirst.includes(id))).toEqual([]);
    for (const id of abandoned) expect(resent.filter((other) => other === id)).toHaveLength(1);
  });

  it("a process killed outright (SIGKILL) loses nothing: the next run takes its spool over and sends it", async () => {
    const port = await unusedPort();
    const endpoint = `http://127.0.0.1:${port}`;
    const spool = hooks.temporaryDirectory("scenario-collector-spool-");
    const killed = hooks.temporaryDirectory("scenario-collector-killed-");
    const env = collectorEnv(endpoint, spool.path);
    // The hanging scenarios keep the process busy until it is killed; the quick ones finish first.
    const cli = startCli(["run", "scenarios", "-o", killed.path], { cwd: COLLECTOR_FIXTURE, env });
    const ledger = () => {
      try {
        return readEvents(join(killed.path, "events.jsonl"));
      } catch {
        return [];
      }
    };
    const settled = () =>
      ledger().filter((event) => event.type === "SCENARIO_RUN_FINISHED").length === 6 &&
      ledger().filter((event) => event.type === "SCENARIO_RUN_STARTED").length === 8;
    expect(await waitUntil(settled)).toBe(true);
    // Let the last events reach every reporter (microtasks after the ledger's line), then kill.
    await new Promise((resolve) => setTimeout(resolve, 300));
    cli.child.kill("SIGKILL");
    const result = await cli.done;
    expect(result.signal).toBe("SIGKILL");
    const emittedKilled = emittedEventIds(killed.path);

    // The collector comes up on that address; the next run claims the dead process's file.
    const collector = hooks.closeAfterTest(await startCollector(undefined, { port }));
    const next = hooks.temporaryDirectory("scenario-collector-after-kill-");
    const nextRun = await runCli(["run", "scenarios/quick.scenario.ts", "-o", next.path], {
      cwd: COLLECTOR_FIXTURE,
      env,
    });
    expect(nextRun.code).toBe(0);
    const acked = collector.accepted.map((event) => event.eventId ?? "(no id)");
    expect([...acked].sort()).toEqual([...emittedKilled, ...emittedEventIds(next.path)].sort());
    expect(spooledEventIds(spool.path)).toEqual([]);
  });
});
