import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { assertCliBuilt, FIXTURES, runCli, temporaryDirectory } from "./cli-harness";
import { newUserProject } from "./project-harness";

// A new user's first hour, friction by friction: each test reproduces one and shows it gone.
// They spawn the built CLI, some several times: give them room on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

beforeAll(() => {
  assertCliBuilt();
});

const EVERYTHING = ["@scenario/cli", "@scenario/kit", "ai", "@ai-sdk/openai", "zod"];

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe("friction 2: no key found only at the judge, the error printed three times, exit 1", () => {
  it("finds the missing model before the first turn, prints the error once and exits 2", async () => {
    const project = newUserProject(EVERYTHING);
    try {
      expect((await runCli(["init"], { cwd: project.path })).code).toBe(0);
      const result = await runCli(["run"], { cwd: project.path });
      expect(result.code).toBe(2);
      const output = result.stdout + result.stderr;
      expect(occurrences(output, "No model configured for")).toBe(1);
      expect(output).toContain("set OPENAI_API_KEY");
      // Nobody spoke: the model was found missing before the user simulator's turn.
      expect(output).not.toContain("Transcript:");
      const events = readFileSync(join(project.path, "scenario-reports", "events.jsonl"), "utf8");
      expect(events).not.toContain("SCENARIO_MESSAGE_SNAPSHOT");
    } finally {
      project.remove();
    }
  });
});

describe("friction 3: no offline path for a new user", () => {
  it("`scenario init --offline` scaffolds a scenario whose first run passes with no key", async () => {
    const project = newUserProject([...EVERYTHING, "@scenario/testing"]);
    try {
      const init = await runCli(["init", "--offline"], { cwd: project.path });
      expect(init.code).toBe(0);
      expect(readFileSync(join(project.path, "scenario.config.ts"), "utf8")).toContain(
        "startFakeOpenAIServer",
      );
      const result = await runCli(["run"], { cwd: project.path });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("1 passed");
    } finally {
      project.remove();
    }
  });
});

describe("friction 4: userSimulatorPersona counted lines across runs, so --repeat errored", () => {
  it("the offline scaffold passes every run of --repeat 3", async () => {
    const project = newUserProject([...EVERYTHING, "@scenario/testing"]);
    try {
      expect((await runCli(["init", "--offline"], { cwd: project.path })).code).toBe(0);
      const result = await runCli(["run", "--repeat", "3", "--concurrency", "3"], { cwd: project.path });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("3/3 passed");
      expect(result.stdout).toContain("pass^3: 1/1");
    } finally {
      project.remove();
    }
  });
});

describe("friction 5: `-r junit` alone printed nothing, and old reports stayed behind", () => {
  it("prints the summary and the report paths, and removes the reports of reporters not used", async () => {
    const output = temporaryDirectory("scenario-junit-only-");
    try {
      const basic = join(FIXTURES, "basic");
      const everything = await runCli(["run", "--grep", "says", "-o", output.path], { cwd: basic });
      expect(everything.code).toBe(0);
      expect(existsSync(join(output.path, "index.html"))).toBe(true);

      const result = await runCli(["run", "--grep", "says", "-r", "junit", "-o", output.path], {
        cwd: basic,
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("Scenarios  2 passed · 0 failed · 0 errored · 0 cancelled (2 total)");
      expect(result.stdout).toContain(`JUnit report: ${join(output.path, "junit.xml")}`);
      // The HTML and JSONL reports of the first run would have been served as this run's.
      expect(existsSync(join(output.path, "index.html"))).toBe(false);
      expect(existsSync(join(output.path, "events.jsonl"))).toBe(false);
      const report = await runCli(["report", output.path], { cwd: basic });
      expect(report.code).toBe(2);
      expect(report.stderr).toContain("No HTML report");
    } finally {
      output.remove();
    }
  });
});

describe("friction 6: `-r http` without LANGWATCH_API_KEY did nothing, silently", () => {
  it("warns once", async () => {
    const result = await runCli(["run", "--grep", "says", "-r", "http"], { cwd: join(FIXTURES, "basic") });
    expect(result.code).toBe(0);
    expect(occurrences(result.stderr, "HTTP reporter off: no API key")).toBe(1);
  });
});

describe("friction 7: `scenario init` told the user to install packages they already had", () => {
  it("names only the missing packages", async () => {
    const partly = newUserProject(["@scenario/cli", "@scenario/kit", "zod"]);
    const fully = newUserProject(EVERYTHING);
    try {
      const missing = await runCli(["init"], { cwd: partly.path });
      expect(missing.stdout).toContain("install what is missing: npm install -D ai @ai-sdk/openai,");
      writeFileSync(join(partly.path, "pnpm-lock.yaml"), "lockfileVersion: '9.0'\n");
      const again = await runCli(["init", "--dir", "more"], { cwd: partly.path });
      expect(again.stdout).toContain("pnpm add -D ai @ai-sdk/openai");
      const complete = await runCli(["init"], { cwd: fully.path });
      expect(complete.stdout).not.toContain("install");
      expect(complete.stdout).toContain("run `npm run scenario`");
    } finally {
      partly.remove();
      fully.remove();
    }
  });
});

describe("debug mode from the CLI", () => {
  it("`--debug` and SCENARIO_DEBUG=1 without a terminal exit 2, saying why", async () => {
    const debugFixture = join(FIXTURES, "debug");
    for (const [args, env, source] of [
      [["run", "--debug"], {}, "--debug"],
      [["run"], { SCENARIO_DEBUG: "1" }, "SCENARIO_DEBUG"],
    ] as const) {
      const result = await runCli([...args], { cwd: debugFixture, env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`Debug mode (turned on by ${source}) needs an interactive terminal`);
      expect(result.stdout).not.toContain("RUN");
    }
  });
});
