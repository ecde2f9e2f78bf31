import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { assertCliBuilt, readEvents, runCli, startCli, temporaryDirectory } from "../cli-harness";

const FIXTURE = join(import.meta.dirname, "fixtures", "interrupt-not-started");
const SELECTED = 6;

// Each test spawns the CLI: give it room on a loaded machine (no assertion is about time).
vi.setConfig({ testTimeout: 120_000 });

beforeAll(() => {
  assertCliBuilt();
});

describe("fault: Ctrl-C after some scenarios started (issue 14, defect 7)", () => {
  it("reports the runs that never started as skipped, so the totals add up to the selection", async () => {
    const output = temporaryDirectory("scenario-fault-interrupt-");
    try {
      const cli = startCli(["run", "-o", output.path], { cwd: FIXTURE });
      // Wait (bounded) until both runs allowed by concurrency 2 have started.
      for (let attempt = 0; attempt < 600 && (cli.stdout().match(/^RUN /gm) ?? []).length < 2; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((cli.stdout().match(/^RUN /gm) ?? []).length).toBe(2);
      cli.child.kill("SIGINT");
      const result = await cli.done;
      expect(result.code).toBe(130);
      expect(result.stderr).toContain("Interrupted: 2 runs reported, 4 not started.");

      const events = readEvents(join(output.path, "events.jsonl"));
      const started = events.filter((event) => event.type === "SCENARIO_RUN_STARTED");
      const finished = events.filter((event) => event.type === "SCENARIO_RUN_FINISHED");
      expect(started).toHaveLength(2);
      expect(finished.map((event) => event.status)).toEqual(["CANCELLED", "CANCELLED"]);
      const summary = events.at(-1) as { type: string; notStarted?: Array<{ name: string; reason: string }> };
      expect(summary.type).toBe("SUITE_SUMMARY");
      expect(summary.notStarted).toHaveLength(SELECTED - 2);
      expect(summary.notStarted?.[0]?.reason).toBe(
        "The suite was interrupted (SIGINT) before this run started.",
      );

      // JUnit: every selected run is a testcase; the cancelled and the never-started are skipped.
      const junit = readFileSync(join(output.path, "junit.xml"), "utf8");
      expect(junit).toMatch(/<testsuites [^>]*tests="6" failures="0" errors="0" skipped="6"/);
      expect(junit.match(/<testcase /g)).toHaveLength(SELECTED);
      expect(junit.match(/<skipped message="Not started: /g)).toHaveLength(SELECTED - 2);
      expect(junit.match(/<skipped message="Cancelled/g)).toHaveLength(2);
      const suiteTotals = [...junit.matchAll(/<testsuite [^>]*tests="(\d+)"/g)].map((match) =>
        Number(match[1]),
      );
      expect(suiteTotals.reduce((sum, count) => sum + count, 0)).toBe(SELECTED);

      // HTML: the never-started runs are in the report's data as SKIPPED.
      const html = readFileSync(join(output.path, "index.html"), "utf8");
      const data = JSON.parse(
        html.slice(html.indexOf('id="scenario-report-data">') + 26, html.indexOf("</script>")),
      ) as { runs: Array<{ status: string }> };
      expect(data.runs.map((run) => run.status).sort()).toEqual([
        "CANCELLED",
        "CANCELLED",
        "SKIPPED",
        "SKIPPED",
        "SKIPPED",
        "SKIPPED",
      ]);

      // Merging the interrupted shard keeps the never-started runs: they are in its summary line.
      const merged = join(output.path, "merged");
      const merge = await runCli(["merge-reports", output.path, "-o", merged, "-r", "junit"], {
        cwd: FIXTURE,
      });
      expect(merge.code).toBe(1);
      const mergedJunit = readFileSync(join(merged, "junit.xml"), "utf8");
      expect(mergedJunit).toMatch(/<testsuites [^>]*tests="6" failures="0" errors="0" skipped="6"/);
    } finally {
      output.remove();
    }
  });
});
