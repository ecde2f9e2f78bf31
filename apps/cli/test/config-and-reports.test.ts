import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { judgeBehaviour, scenarioBehaviour, startFakeOpenAIServer } from "@scenario/testing";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { assertCliBuilt, FIXTURES, finishedRuns, runCli, startCli, temporaryDirectory } from "./cli-harness";

const basic = join(FIXTURES, "basic");

// Each test spawns the CLI several times: give them room on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

beforeAll(() => {
  assertCliBuilt();
});

describe("scenario.config.ts", () => {
  it("exits 2 for an unknown key, naming the key and the file", async () => {
    const result = await runCli(["run"], { cwd: join(FIXTURES, "bad-config") });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown key "concurency"');
    expect(result.stderr).toContain(join(FIXTURES, "bad-config", "scenario.config.ts"));
    expect(result.stdout).not.toContain("never runs");
  });

  it("exits 2 for a wrong type in a config given with --config", async () => {
    const directory = temporaryDirectory("scenario-config-");
    try {
      const file = join(directory.path, "custom.config.mjs");
      writeFileSync(file, 'export default { concurrency: "four" };\n');
      const result = await runCli(["run", "--config", file, "--list"], { cwd: basic });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(file);
      expect(result.stderr).toContain('"concurrency": expected a whole number');
    } finally {
      directory.remove();
    }
  });
});

describe("invalid scenario files", () => {
  const invalid = join(FIXTURES, "invalid");

  it.each([
    ["declares-nothing.scenario.ts", "declares-nothing.scenario.ts declares no scenario. Export one"],
    ["duplicate-ids.scenario.ts", 'Two scenarios have the id "same-name"'],
    [
      "throws-on-import.scenario.ts",
      'Could not load scenario file throws-on-import.scenario.ts: defineScenario("broken"): `agents` must be a function',
    ],
  ])("exits 2 for %s, saying what is wrong", async (file, message) => {
    const result = await runCli(["run", file], { cwd: invalid });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe("scenario merge-reports", () => {
  it("merges the JSONL of shards into one console summary, JUnit file and HTML report", async () => {
    const work = temporaryDirectory("scenario-merge-");
    try {
      const shardDirs = [join(work.path, "shard-1"), join(work.path, "shard-2")];
      for (const [index, dir] of shardDirs.entries()) {
        const result = await runCli(
          ["run", "--grep", "billing|says", "--shard", `${index + 1}/2`, "-o", dir],
          { cwd: basic },
        );
        expect(result.code).toBe(0);
      }
      const merged = join(work.path, "merged");
      const result = await runCli(["merge-reports", ...shardDirs, "-o", merged], { cwd: basic });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("5 passed");
      expect(result.stdout).toContain("Merged 5 runs from 2 events files");
      const junit = readFileSync(join(merged, "junit.xml"), "utf8");
      expect(junit.match(/<testcase /g)).toHaveLength(5);
      for (const name of ["billing: refund status", "says hello", "says goodbye"])
        expect(junit).toContain(name);
      expect(finishedRuns(join(merged, "events.jsonl"))).toHaveLength(5);
      expect(readFileSync(join(merged, "index.html"), "utf8")).toContain("billing: change card");
    } finally {
      work.remove();
    }
  });

  it("exits 1 when a merged run failed, and 2 for a folder without events", async () => {
    const work = temporaryDirectory("scenario-merge-fail-");
    try {
      const failing = join(work.path, "failing");
      expect((await runCli(["run", "scenarios/nested", "-o", failing], { cwd: basic })).code).toBe(1);
      const result = await runCli(
        ["merge-reports", failing, "-o", join(work.path, "merged"), "-r", "junit"],
        { cwd: basic },
      );
      expect(result.code).toBe(1);
      expect(existsSync(join(work.path, "merged", "junit.xml"))).toBe(true);
      expect(existsSync(join(work.path, "merged", "index.html"))).toBe(false);

      const empty = await runCli(["merge-reports", join(work.path, "merged")], { cwd: basic });
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain("no events.jsonl");
    } finally {
      work.remove();
    }
  });
});

describe("scenario report", () => {
  it("serves the HTML report on 127.0.0.1, prints the URL and stops on Ctrl-C", async () => {
    const work = temporaryDirectory("scenario-report-");
    try {
      expect((await runCli(["run", "--grep", "billing", "-o", work.path], { cwd: basic })).code).toBe(0);
      const server = startCli(["report", work.path], { cwd: basic });
      let url: string | undefined;
      for (let attempt = 0; attempt < 200 && !url; attempt++) {
        url = /http:\/\/127\.0\.0\.1:\d+\//.exec(server.stdout())?.[0];
        if (!url) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(url).toBeDefined();
      const page = await fetch(url as string);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toContain("text/html");
      expect(await page.text()).toContain("billing: refund status");
      expect((await fetch(`${url}junit.xml`)).status).toBe(200);
      expect((await fetch(`${url}..%2f..%2fetc%2fpasswd`)).status).toBe(404);
      server.child.kill("SIGINT");
      expect((await server.done).code).toBe(0);
    } finally {
      work.remove();
    }
  });

  it("without a folder, serves the config's outputDir", async () => {
    const work = temporaryDirectory("scenario-report-config-");
    try {
      const file = join(work.path, "custom.config.mjs");
      writeFileSync(file, 'export default { outputDir: "custom-reports" };\n');
      mkdirSync(join(work.path, "custom-reports"));
      writeFileSync(join(work.path, "custom-reports", "index.html"), "<p>the custom report</p>");
      const server = startCli(["report", "--config", file], { cwd: basic });
      let url: string | undefined;
      for (let attempt = 0; attempt < 200 && !url; attempt++) {
        url = /http:\/\/127\.0\.0\.1:\d+\//.exec(server.stdout())?.[0];
        if (!url) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(url, server.stdout()).toBeDefined();
      expect(await (await fetch(url as string)).text()).toBe("<p>the custom report</p>");
      server.child.kill("SIGINT");
      expect((await server.done).code).toBe(0);
    } finally {
      work.remove();
    }
  });

  it("exits 2 when the folder has no report", async () => {
    const work = temporaryDirectory("scenario-report-empty-");
    try {
      const result = await runCli(["report", work.path], { cwd: basic });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("No HTML report");
    } finally {
      work.remove();
    }
  });
});

describe("scenario init", () => {
  it("adds a config, an example scenario and a script, and never overwrites", async () => {
    const project = temporaryDirectory("scenario-init-");
    try {
      writeFileSync(
        join(project.path, "package.json"),
        `${JSON.stringify({ name: "app", scripts: { test: "vitest" } }, null, 2)}\n`,
      );
      const first = await runCli(["init"], { cwd: project.path });
      expect(first.code).toBe(0);
      expect(first.stdout).toContain("created  scenario.config.ts");
      expect(first.stdout).toContain("created  scenarios/example.scenario.ts");
      expect(readFileSync(join(project.path, "scenario.config.ts"), "utf8")).toContain("defineConfig");
      expect(readFileSync(join(project.path, "scenarios", "example.scenario.ts"), "utf8")).toContain(
        "defineScenario",
      );
      expect(JSON.parse(readFileSync(join(project.path, "package.json"), "utf8")).scripts).toEqual({
        test: "vitest",
        scenario: "scenario run",
      });

      writeFileSync(join(project.path, "scenario.config.ts"), "// mine\n");
      const second = await runCli(["init"], { cwd: project.path });
      expect(second.code).toBe(0);
      expect(second.stdout).not.toContain("created");
      expect(second.stdout).toContain("skipped  scenario.config.ts (already exists)");
      expect(second.stdout).toContain("skipped  scenarios/example.scenario.ts (already exists)");
      expect(second.stdout).toContain('skipped  the "scenario" script in package.json');
      expect(readFileSync(join(project.path, "scenario.config.ts"), "utf8")).toBe("// mine\n");
    } finally {
      project.remove();
    }
  });

  it("says it skipped the script when there is no package.json", async () => {
    const project = temporaryDirectory("scenario-init-bare-");
    try {
      const result = await runCli(["init", "--dir", "e2e"], { cwd: project.path });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("created  e2e/example.scenario.ts");
      expect(result.stdout).toContain("skipped  the package.json script (no package.json here");
      expect(existsSync(join(project.path, "package.json"))).toBe(false);
    } finally {
      project.remove();
    }
  });

  it("writes an example scenario and config that load and run", async () => {
    // Inside the fixtures, so the generated files resolve @scenario/kit as an installed project would.
    const project = mkdtempSync(join(FIXTURES, ".init-project-"));
    const server = await startFakeOpenAIServer({ reply: scenarioBehaviour({ judge: judgeBehaviour() }) });
    try {
      writeFileSync(join(project, "package.json"), '{ "name": "app", "private": true }\n');
      expect((await runCli(["init"], { cwd: project })).code).toBe(0);
      const listed = await runCli(["run", "--list", "--json"], { cwd: project });
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual([
        {
          file: "scenarios/example.scenario.ts",
          id: "greets-a-new-customer",
          name: "greets a new customer",
          setId: "default",
        },
      ]);
      const ran = await runCli(["run"], {
        cwd: project,
        env: { OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: server.baseURL },
      });
      expect(ran.stderr).toBe("");
      expect(ran.code).toBe(0);
      expect(server.requests.some((request) => request.role === "judge")).toBe(true);
    } finally {
      await server.close();
      rmSync(project, { recursive: true, force: true });
    }
  });
});
