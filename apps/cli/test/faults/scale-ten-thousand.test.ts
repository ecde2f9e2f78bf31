import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { assertCliBuilt, readEvents, runCli, temporaryDirectory } from "../cli-harness";

const FIXTURE = join(import.meta.dirname, "fixtures", "ten-thousand");
const COUNT = 10_000;
const FAILING = COUNT / 100;

beforeAll(() => {
  assertCliBuilt();
});

describe("fault: 10,000 scripted scenarios in one run", () => {
  it("runs them all and every report counts them exactly", async () => {
    const output = temporaryDirectory("scenario-fault-scale-");
    try {
      const result = await runCli(["run", "-o", output.path, "--concurrency", "50"], {
        cwd: FIXTURE,
        timeoutMs: 600_000,
      });
      // Every 100th scenario fails by its script: the suite fails, and exactly those runs did.
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        `${COUNT - FAILING} passed · ${FAILING} failed · 0 errored · 0 cancelled`,
      );

      const events = readEvents(join(output.path, "events.jsonl"));
      const finished = events.filter((event) => event.type === "SCENARIO_RUN_FINISHED");
      expect(events.filter((event) => event.type === "SCENARIO_RUN_STARTED")).toHaveLength(COUNT);
      expect(finished).toHaveLength(COUNT);
      expect(new Set(finished.map((event) => event.scenarioRunId)).size).toBe(COUNT);
      expect(finished.filter((event) => event.status === "FAILED")).toHaveLength(FAILING);

      const junit = readFileSync(join(output.path, "junit.xml"), "utf8");
      expect(junit).toMatch(
        new RegExp(`<testsuites [^>]*tests="${COUNT}" failures="${FAILING}" errors="0" skipped="0"`),
      );
      expect(junit.match(/<testcase /g)).toHaveLength(COUNT);

      const html = readFileSync(join(output.path, "index.html"), "utf8");
      const data = JSON.parse(
        html.slice(html.indexOf('id="scenario-report-data">') + 26, html.indexOf("</script>")),
      ) as { runs: Array<{ status: string }> };
      expect(data.runs).toHaveLength(COUNT);
      expect(data.runs.filter((run) => run.status === "FAILED")).toHaveLength(FAILING);
    } finally {
      output.remove();
    }
  }, 660_000);
});
