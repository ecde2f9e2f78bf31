import { join } from "node:path";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@scenario/testing";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  assertCliBuilt,
  FIXTURES,
  finishedRuns,
  readEvents,
  runCli,
  startCli,
  temporaryDirectory,
} from "./cli-harness";

// Each test spawns the CLI, some several times: give them room on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

beforeAll(() => {
  assertCliBuilt();
});

describe("scenario run --repeat", () => {
  it("runs each scenario k times, reports pass^k and marks a scenario that passes only sometimes as flaky", async () => {
    const output = temporaryDirectory("scenario-repeat-");
    try {
      const result = await runCli(["run", "--repeat", "4", "-o", output.path], {
        cwd: join(FIXTURES, "flaky"),
      });
      expect(result.code).toBe(1);
      const runs = finishedRuns(join(output.path, "events.jsonl"));
      const count = (id: string, status: string) =>
        runs.filter((run) => run.scenarioId === id && run.status === status).length;
      expect(count("always-passes", "SUCCESS")).toBe(4);
      expect(count("passes-every-other-time", "SUCCESS")).toBe(2);
      expect(count("passes-every-other-time", "FAILED")).toBe(2);
      expect(new Set(runs.map((run) => run.scenarioRunId)).size).toBe(8);
      expect(result.stdout).toMatch(/passes every other time \(passes-every-other-time\): 2\/4 passed FLAKY/);
      expect(result.stdout).toMatch(/always passes \(always-passes\): 4\/4 passed\n/);
      expect(result.stdout).toContain("pass^4: 1/2 scenarios passed all 4 runs");
      const summary = readEvents(join(output.path, "events.jsonl")).find(
        (event) => event.type === "SUITE_SUMMARY",
      );
      expect(summary?.flaky).toEqual(["passes-every-other-time"]);
    } finally {
      output.remove();
    }
  });

  it("calls a scenario flaky exactly when the suite summary does: a pass and a cancellation is not flaky", async () => {
    const output = temporaryDirectory("scenario-repeat-bail-");
    try {
      const result = await runCli(
        ["run", "--repeat", "2", "--bail", "--concurrency", "4", "-o", output.path],
        {
          cwd: join(FIXTURES, "repeat-bail"),
        },
      );
      expect(result.code).toBe(1);
      const runs = finishedRuns(join(output.path, "events.jsonl"));
      const statuses = (id: string) =>
        runs
          .filter((run) => run.scenarioId === id)
          .map((run) => run.status)
          .sort();
      expect(statuses("passes-then-is-cancelled")).toEqual(["CANCELLED", "SUCCESS"]);
      expect(statuses("fails-after-the-first-pass")).toEqual(["FAILED", "FAILED"]);
      const summary = readEvents(join(output.path, "events.jsonl")).find(
        (event) => event.type === "SUITE_SUMMARY",
      );
      expect(summary?.flaky).toEqual([]);
      expect(result.stdout).toMatch(/passes then is cancelled \(passes-then-is-cancelled\): 1\/2 passed\n/);
      expect(result.stdout).not.toContain("FLAKY");
      expect(result.stdout).toContain("pass^2: 0/2 scenarios passed all 2 runs");
    } finally {
      output.remove();
    }
  });
});

describe("scenario run: concurrency", () => {
  let server: FakeOpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  // The fake model holds every call for a while and counts the calls it holds at once: each
  // scenario makes one call, so that count is the number of scenarios in flight.
  async function observeMaxInFlight(
    args: string[],
  ): Promise<{ maxInFlight: number; calls: number; code: number | null }> {
    let inFlight = 0;
    let maxInFlight = 0;
    server = await startFakeOpenAIServer({
      reply: async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 500));
        inFlight -= 1;
        return "done";
      },
    });
    const output = temporaryDirectory("scenario-concurrency-");
    try {
      const result = await runCli(["run", "-o", output.path, ...args], {
        cwd: join(FIXTURES, "concurrency"),
        env: { FAKE_OPENAI_BASE_URL: server.baseURL },
      });
      return { maxInFlight, calls: server.requests.length, code: result.code };
    } finally {
      output.remove();
    }
  }

  it("never runs more scenarios at once than the config's concurrency", async () => {
    const observed = await observeMaxInFlight([]);
    expect(observed.code).toBe(0);
    expect(observed.calls).toBe(8);
    expect(observed.maxInFlight).toBeLessThanOrEqual(3);
    expect(observed.maxInFlight).toBeGreaterThan(1);
  });

  it("lets --concurrency override the config", async () => {
    const observed = await observeMaxInFlight(["--concurrency", "1"]);
    expect(observed.code).toBe(0);
    expect(observed.calls).toBe(8);
    expect(observed.maxInFlight).toBe(1);
  });

  it("runs several at once up to a higher limit", async () => {
    const observed = await observeMaxInFlight(["--concurrency", "6"]);
    expect(observed.code).toBe(0);
    expect(observed.maxInFlight).toBeLessThanOrEqual(6);
    expect(observed.maxInFlight).toBeGreaterThan(3);
  });
});

describe("scenario run: Ctrl-C", () => {
  let server: FakeOpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("cancels the running scenarios, starts no more, writes the reports and exits 130", async () => {
    server = await startFakeOpenAIServer({ fault: () => ({ type: "hang" }) });
    const output = temporaryDirectory("scenario-interrupt-");
    try {
      const cli = startCli(["run", "-o", output.path], {
        cwd: join(FIXTURES, "interrupt"),
        env: { FAKE_OPENAI_BASE_URL: server.baseURL },
      });
      // Wait (bounded) until both runs allowed by concurrency 2 are stuck in their model call.
      for (let attempt = 0; attempt < 300 && server.requests.length < 2; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(server.requests.length).toBe(2);
      cli.child.kill("SIGINT");
      const result = await cli.done;

      expect(result.code).toBe(130);
      expect(result.stderr).toContain("Interrupted");
      const events = readEvents(join(output.path, "events.jsonl"));
      const started = events.filter((event) => event.type === "SCENARIO_RUN_STARTED");
      const finished = finishedRuns(join(output.path, "events.jsonl"));
      expect(started).toHaveLength(2);
      expect(finished.map((run) => run.status)).toEqual(["CANCELLED", "CANCELLED"]);
      expect(events.at(-1)?.type).toBe("SUITE_SUMMARY");
      const { readFileSync } = await import("node:fs");
      const junit = readFileSync(join(output.path, "junit.xml"), "utf8");
      // The two cancelled runs and the two never started (issue 14): every selected run is a testcase.
      expect(junit.match(/<testcase /g)).toHaveLength(4);
      expect(junit.match(/<skipped message="Not started: /g)).toHaveLength(2);
      expect(junit).toContain("<skipped");
      expect(readFileSync(join(output.path, "index.html"), "utf8")).toContain("waits forever");
      expect(server.requests.length).toBe(2);
    } finally {
      output.remove();
    }
  });
});
