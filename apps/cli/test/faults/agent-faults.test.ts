import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { assertCliBuilt, finishedRuns, runCli, temporaryDirectory } from "../cli-harness";

const FIXTURE = join(import.meta.dirname, "fixtures", "agent-faults");

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

// Each test spawns the CLI: give it room on a loaded machine (no assertion is about time).
vi.setConfig({ testTimeout: 120_000 });

beforeAll(() => {
  assertCliBuilt();
});

describe("fault: the agent under test throws or returns a bad type", () => {
  it("errors those runs with a clear message, passes the healthy one, never passes falsely, and says each error once", async () => {
    const output = temporaryDirectory("scenario-fault-agent-");
    try {
      const result = await runCli(["run", "-o", output.path], { cwd: FIXTURE });

      // No false pass: a run errored, so the suite fails.
      expect(result.code).toBe(1);
      const runs = finishedRuns(join(output.path, "events.jsonl"));
      const byId = Object.fromEntries(runs.map((run) => [run.scenarioId, run]));
      expect(runs).toHaveLength(3);
      expect(byId["agent-echoes"]?.status).toBe("SUCCESS");
      expect(byId["agent-throws"]?.status).toBe("ERROR");
      expect(byId["agent-returns-a-number"]?.status).toBe("ERROR");
      const errorOf = (id: string) => (byId[id] as unknown as { results: { error?: string } }).results.error;
      expect(errorOf("agent-throws")).toBe("[Agent] the booking service is down");
      expect(errorOf("agent-returns-a-number")).toContain("returned 42, which is not a valid agent return");

      const junit = readFileSync(join(output.path, "junit.xml"), "utf8");
      expect(junit).toMatch(/<testsuites [^>]*tests="3" failures="0" errors="2" skipped="0"/);

      // Issue 14, defect 7: each error is printed once on the console, not three times.
      const console = result.stdout + result.stderr;
      expect(occurrences(console, "the booking service is down")).toBe(1);
      expect(occurrences(console, "returned 42")).toBe(1);
      expect(console).toContain("1 passed · 0 failed · 2 errored");
    } finally {
      output.remove();
    }
  });
});
