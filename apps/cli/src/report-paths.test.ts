import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEventBus, resolveReporters } from "@scenario/events";
import { ScenarioEventType } from "@scenario/spec";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { htmlReportPath, withReportDefaults } from "./report-paths";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "scenario-report-paths-"));
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(directory, { recursive: true, force: true });
});

function oneRun() {
  const base = {
    batchRunId: "batch-1",
    scenarioRunId: "run-1",
    scenarioId: "greets",
    scenarioSetId: "default",
  };
  return [
    {
      ...base,
      type: ScenarioEventType.RUN_STARTED,
      timestamp: 1,
      metadata: { name: "Greets", description: "The user says hello." },
    },
    {
      ...base,
      type: ScenarioEventType.RUN_FINISHED,
      timestamp: 2,
      name: "Greets",
      status: "SUCCESS" as const,
      results: { verdict: "success" as const, reasoning: "ok", metCriteria: [], unmetCriteria: [] },
    },
  ];
}

describe("htmlReportPath", () => {
  it("names the file the HTML reporter writes, also when the spec's options set their own cwd", async () => {
    const reporterCwd = join(directory, "project");
    const specs = withReportDefaults([["html", { cwd: join(directory, "elsewhere") }]], {
      outputDir: "reports",
    });
    const bus = createEventBus({ reporters: await resolveReporters(specs, { cwd: reporterCwd }) });
    for (const event of oneRun()) bus.publish(event);
    await bus.endSuite();
    await bus.close();

    const printed = htmlReportPath(specs, reporterCwd);
    expect(printed).toBe(join(directory, "elsewhere", "reports", "index.html"));
    expect(existsSync(printed as string)).toBe(true);
  });

  it("is undefined without the html reporter", () => {
    expect(htmlReportPath(withReportDefaults(["console", "jsonl"], { outputDir: "out" }), directory)).toBe(
      undefined,
    );
  });
});

describe("withReportDefaults", () => {
  it("has the http reporter read the command's environment, not the process's", async () => {
    vi.stubEnv("LANGWATCH_API_KEY", "");
    const requests: { url: string; authorization: string | null }[] = [];
    const fakeFetch: typeof fetch = async (url, init) => {
      requests.push({ url: String(url), authorization: new Headers(init?.headers).get("authorization") });
      return new Response("{}", { status: 200 });
    };
    const specs = withReportDefaults([["http", { fetch: fakeFetch }]], {
      outputDir: "reports",
      env: { LANGWATCH_API_KEY: "sk-from-the-command", LANGWATCH_ENDPOINT: "http://collector.test" },
    });
    const bus = createEventBus({ reporters: await resolveReporters(specs, { cwd: directory }) });
    for (const event of oneRun()) bus.publish(event);
    await bus.endSuite();
    await bus.close();

    expect(requests).toHaveLength(2);
    expect(requests[0]).toEqual({
      url: "http://collector.test/api/scenario-events",
      authorization: "Bearer sk-from-the-command",
    });
  });
});
