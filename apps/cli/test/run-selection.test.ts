import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { assertCliBuilt, FIXTURES, finishedRuns, runCli, temporaryDirectory } from "./cli-harness";

const basic = join(FIXTURES, "basic");
const ALL_IDS = [
  "billing-change-card",
  "billing-invoice-copy",
  "billing-refund-status",
  "says-goodbye",
  "says-hello",
  "fails-on-purpose",
  "throws-in-a-step",
  "throws-in-agents-factory",
];

interface Listed {
  file: string;
  id: string;
  name: string;
  setId: string;
}

async function list(args: string[] = []): Promise<Listed[]> {
  const result = await runCli(["run", "--list", "--json", ...args], { cwd: basic });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Listed[];
}

// Folders that discovery must skip, each holding a scenario file that throws when imported.
const IGNORED_DIRS = ["node_modules/some-package", "dist", ".turbo", ".scenario"];

// Each test spawns the CLI, some several times: give them room on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

beforeAll(() => {
  assertCliBuilt();
  for (const dir of IGNORED_DIRS) {
    mkdirSync(join(basic, dir), { recursive: true });
    writeFileSync(join(basic, dir, "ignored.scenario.ts"), 'throw new Error("must never be loaded");\n');
  }
});

afterAll(() => {
  for (const dir of IGNORED_DIRS)
    rmSync(join(basic, dir.split("/")[0] as string), { recursive: true, force: true });
});

describe("scenario run: discovery and selection", () => {
  it("finds every scenario of every scenario file, skipping node_modules and build output", async () => {
    const scenarios = await list();
    expect(scenarios.map((scenario) => scenario.id)).toEqual(ALL_IDS);
    expect(new Set(scenarios.map((scenario) => scenario.file))).toEqual(
      new Set([
        "scenarios/billing.scenario.ts",
        "scenarios/greetings.scenario.ts",
        "scenarios/nested/failing.scenario.ts",
      ]),
    );
    expect(scenarios.find((scenario) => scenario.id === "billing-refund-status")?.setId).toBe("billing");
  });

  it("prints a readable list with counts, and runs nothing", async () => {
    const output = temporaryDirectory("scenario-list-");
    try {
      const result = await runCli(["run", "--list", "-o", output.path], { cwd: basic });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("scenarios/nested/failing.scenario.ts");
      expect(result.stdout).toContain("  billing: refund status (billing-refund-status) [billing]");
      expect(result.stdout).toContain("8 scenarios in 3 files");
      expect(result.stdout).not.toMatch(/PASS|FAIL/);
    } finally {
      output.remove();
    }
  });

  it("takes files, folders and globs as arguments", async () => {
    expect((await list(["scenarios/nested"])).map((scenario) => scenario.id)).toEqual([
      "fails-on-purpose",
      "throws-in-a-step",
      "throws-in-agents-factory",
    ]);
    expect((await list(["scenarios/greetings.scenario.ts"])).map((scenario) => scenario.id)).toEqual([
      "says-goodbye",
      "says-hello",
    ]);
    expect((await list(["scenarios/*.scenario.ts"])).length).toBe(5);
  });

  it("exits 2 naming a path that matches nothing", async () => {
    const result = await runCli(["run", "scenarios/missing.scenario.ts"], { cwd: basic });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No scenario files match "scenarios/missing.scenario.ts"');
  });

  it("filters with --grep on name, id or set, as a regex or a substring", async () => {
    expect((await list(["--grep", "billing"])).map((scenario) => scenario.id)).toEqual([
      "billing-change-card",
      "billing-invoice-copy",
      "billing-refund-status",
    ]);
    expect((await list(["--grep", "^says (hello|goodbye)$"])).map((scenario) => scenario.id)).toEqual([
      "says-goodbye",
      "says-hello",
    ]);
    expect((await list(["-g", "FAILS-ON"])).map((scenario) => scenario.id)).toEqual(["fails-on-purpose"]);
  });

  it("exits 2 when --grep matches nothing", async () => {
    const result = await runCli(["run", "--grep", "no such scenario"], { cwd: basic });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No scenario matches --grep "no such scenario"');
  });

  it("splits the suite into shards whose union is the whole suite with no overlap", async () => {
    for (const count of [2, 3]) {
      const shards: string[][] = [];
      for (let index = 1; index <= count; index++) {
        shards.push((await list(["--shard", `${index}/${count}`])).map((scenario) => scenario.id));
      }
      const union = shards.flat();
      expect(new Set(union).size).toBe(union.length);
      expect([...union].sort()).toEqual([...ALL_IDS].sort());
      for (const shard of shards)
        expect(shard.length).toBeGreaterThanOrEqual(Math.floor(ALL_IDS.length / count));
    }
  });

  it("runs exactly the scenarios of its shard", async () => {
    const output = temporaryDirectory("scenario-shard-");
    try {
      const planned = (await list(["--shard", "2/3"])).map((scenario) => scenario.id);
      const result = await runCli(["run", "--shard", "2/3", "-o", output.path], { cwd: basic });
      const ran = finishedRuns(join(output.path, "events.jsonl")).map((run) => run.scenarioId);
      expect([...ran].sort()).toEqual([...planned].sort());
      expect(result.code).toBe(planned.some((id) => /fail|throw/.test(id)) ? 1 : 0);
    } finally {
      output.remove();
    }
  });

  it.each([
    ["--shard", "4/3"],
    ["--shard", "0/2"],
    ["--shard", "x"],
  ])("exits 2 for %s %s", async (...args) => {
    const result = await runCli(["run", ...args], { cwd: basic });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("<index>/<count>");
  });
});

describe("scenario run: outcomes and exit codes", () => {
  it("exits 0 when every selected scenario passes, and writes the reports", async () => {
    const output = temporaryDirectory("scenario-pass-");
    try {
      const result = await runCli(["run", "--grep", "billing|says", "-o", output.path], { cwd: basic });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/5 passed/);
      expect(result.stdout).toContain("HTML report:");
      const runs = finishedRuns(join(output.path, "events.jsonl"));
      expect(runs).toHaveLength(5);
      expect(runs.every((run) => run.status === "SUCCESS")).toBe(true);
    } finally {
      output.remove();
    }
  });

  it("exits 1 when a scenario fails or throws, and still runs and reports all the others", async () => {
    const output = temporaryDirectory("scenario-fail-");
    try {
      const result = await runCli(["run", "-o", output.path], { cwd: basic });
      expect(result.code).toBe(1);
      const statuses = Object.fromEntries(
        finishedRuns(join(output.path, "events.jsonl")).map((run) => [run.scenarioId, run.status]),
      );
      expect(statuses).toEqual({
        "billing-change-card": "SUCCESS",
        "billing-invoice-copy": "SUCCESS",
        "billing-refund-status": "SUCCESS",
        "says-goodbye": "SUCCESS",
        "says-hello": "SUCCESS",
        "fails-on-purpose": "FAILED",
        "throws-in-a-step": "ERROR",
        "throws-in-agents-factory": "ERROR",
      });
      expect(result.stdout).toContain("cannot build agents");
      expect(result.stdout).toContain("assertion exploded");
    } finally {
      output.remove();
    }
  });

  it("stops starting scenarios after the first failure with --bail", async () => {
    const output = temporaryDirectory("scenario-bail-");
    try {
      const result = await runCli(
        ["run", "scenarios/nested", "--bail", "--concurrency", "1", "-o", output.path],
        {
          cwd: basic,
        },
      );
      expect(result.code).toBe(1);
      expect(finishedRuns(join(output.path, "events.jsonl")).map((run) => run.scenarioId)).toEqual([
        "fails-on-purpose",
      ]);
      expect(result.stdout).toContain("2 runs not started (--bail)");
    } finally {
      output.remove();
    }
  });

  it.each([
    [["run", "--concurrency", "0"], "--concurrency takes a whole number"],
    [["run", "--repeat", "two"], "--repeat takes a whole number"],
    [["run", "--cache", "sometimes"], "Allowed choices are off, read-write, replay, record"],
    [["run", "--no-such-flag"], "unknown option '--no-such-flag'"],
    [["run", "--reporter", "no-such-reporter", "--grep", "billing"], 'Unknown reporter "no-such-reporter"'],
  ])("exits 2 for a usage error: %j", async (args, message) => {
    const result = await runCli(args, { cwd: basic });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe("scenario run --reporter", () => {
  it("loads a TypeScript reporter by module path, alongside a built-in one", async () => {
    const output = temporaryDirectory("scenario-reporter-");
    try {
      const target = join(output.path, "count.json");
      const result = await runCli(
        ["run", "--grep", "billing", "-r", "./count-reporter.ts", "-r", "junit", "-o", output.path],
        { cwd: basic, env: { COUNT_REPORTER_FILE: target } },
      );
      expect(result.code).toBe(0);
      expect(JSON.parse(readFileSync(target, "utf8"))).toEqual(["SUCCESS", "SUCCESS", "SUCCESS"]);
      expect(existsSync(join(output.path, "junit.xml"))).toBe(true);
      expect(existsSync(join(output.path, "events.jsonl"))).toBe(false);
      expect(result.stdout).not.toContain("PASS");
    } finally {
      output.remove();
    }
  });
});

describe("scenario --help", () => {
  it("lists every command", async () => {
    const result = await runCli(["--help"], { cwd: basic });
    expect(result.code).toBe(0);
    for (const command of ["run", "merge-reports", "report", "init"])
      expect(result.stdout).toMatch(new RegExp(`\\n  ${command}\\b`));
  });

  it("documents every flag of run", async () => {
    const result = await runCli(["run", "--help"], { cwd: basic });
    expect(result.code).toBe(0);
    for (const flag of [
      "--config",
      "--grep",
      "--concurrency",
      "--repeat",
      "--shard",
      "--reporter",
      "--output-dir",
      "--max-turns",
      "--cache",
      "--bail",
      "--list",
      "--json",
    ]) {
      expect(result.stdout).toContain(flag);
    }
    expect(result.stdout).toContain(
      "Exit codes: 0 all passed, 1 a run failed or errored, 2 usage or config error, 130 interrupted",
    );
  });

  it.each(["merge-reports", "report", "init"])("has help for %s", async (command) => {
    const result = await runCli([command, "--help"], { cwd: basic });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: scenario ${command}`);
  });
});
