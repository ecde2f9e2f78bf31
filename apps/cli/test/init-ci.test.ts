// `scenario init --ci github`: the workflow file it writes, its refusal to replace one, and the
// proof that the workflow's commands are ones this CLI accepts: the test runs them as the
// workflow's jobs would (each shard into its own report folder, downloaded side by side, merged).
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  assertCliBuilt,
  FIXTURES,
  runCli,
  runCliInProcess as scenario,
  temporaryDirectory,
} from "./cli-harness";

vi.setConfig({ testTimeout: 120_000 });

const WORKFLOW = join(".github", "workflows", "scenarios.yml");
/** GitHub's expression for the matrix's shard number (spelled in two parts: it is not a template). */
const MATRIX_SHARD = ["$", "{{ matrix.shard }}"].join("");

/** The `npx scenario ...` commands of the workflow's `run:` steps, as argument lists. */
function scenarioCommands(workflow: string): string[][] {
  return [...workflow.matchAll(/^\s*run: npx scenario (.+)$/gm)].map((match) => {
    const command = match[1] as string;
    // A plain split is only right for a command without quoting: keep the template that way.
    expect(command).not.toMatch(/["'\\]/);
    return command.trim().split(/\s+/);
  });
}

describe("scenario init --ci github: the file", () => {
  let work: ReturnType<typeof temporaryDirectory>;
  beforeAll(() => {
    work = temporaryDirectory("scenario-init-ci-");
  });
  afterAll(() => work?.remove());

  it("writes a workflow with one job per shard and a merge job", async () => {
    const project = join(work.path, "npm-project");
    mkdirSync(project);
    const result = await scenario(["init", "--ci", "github", "--shards", "4"], project);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`created  ${WORKFLOW} (4 shards, then merge-reports)`);
    const workflow = readFileSync(join(project, WORKFLOW), "utf8");
    expect(workflow).toContain("shard: [1, 2, 3, 4]");
    expect(workflow).toContain(`--shard ${MATRIX_SHARD}/4`);
    expect(workflow).toContain("needs: scenarios");
    expect(workflow).toContain("run: npm ci");
    expect(workflow).not.toContain("pnpm");
    const [run, merge] = scenarioCommands(workflow);
    expect(run?.join(" ")).toMatch(/^run --shard \$\{\{ matrix\.shard \}\}\/4 /);
    expect(run).toEqual(expect.arrayContaining(["--reporter", "jsonl"]));
    expect(merge?.slice(0, 2)).toEqual(["merge-reports", "shards/*"]);
  });

  it("shards the suite in 3 by default and installs with pnpm when the project has its lockfile", async () => {
    const project = join(work.path, "pnpm-project");
    mkdirSync(project);
    writeFileSync(join(project, "pnpm-lock.yaml"), "lockfileVersion: '9.0'\n");
    expect((await scenario(["init", "--ci", "github"], project)).code).toBe(0);
    const workflow = readFileSync(join(project, WORKFLOW), "utf8");
    expect(workflow).toContain("shard: [1, 2, 3]");
    expect(workflow).toContain(`--shard ${MATRIX_SHARD}/3`);
    expect(workflow).toContain("uses: pnpm/action-setup@v4");
    expect(workflow).toContain("run: pnpm install --frozen-lockfile");
  });

  it("refuses to replace an existing workflow without --force, and replaces it with --force", async () => {
    const project = join(work.path, "existing");
    mkdirSync(join(project, ".github", "workflows"), { recursive: true });
    writeFileSync(join(project, WORKFLOW), "# edited by hand\n");
    const refused = await scenario(["init", "--ci", "github"], project);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${WORKFLOW} already exists`);
    expect(refused.stderr).toContain("--force");
    expect(readFileSync(join(project, WORKFLOW), "utf8")).toBe("# edited by hand\n");

    const forced = await scenario(["init", "--ci", "github", "--force"], project);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(project, WORKFLOW), "utf8")).toContain("scenario merge-reports");
  });

  it("exits 2 for a provider it does not know and for a bad shard count, writing nothing", async () => {
    const project = join(work.path, "bad-flags");
    mkdirSync(project);
    const provider = await scenario(["init", "--ci", "gitlab"], project);
    expect(provider.code).toBe(2);
    expect(provider.stderr).toContain("gitlab");
    const shards = await scenario(["init", "--ci", "github", "--shards", "0"], project);
    expect(shards.code).toBe(2);
    expect(shards.stderr).toContain("--shards takes a whole number of at least 1");
    expect(existsSync(join(project, WORKFLOW))).toBe(false);
  });
});

describe("scenario init --ci github: the docs", () => {
  it("the CI guide shows the workflow init writes, word for word", async () => {
    const page = join(import.meta.dirname, "..", "..", "docs", "guide", "ci-and-release.md");
    const project = mkdtempSync(join(tmpdir(), "scenario-init-ci-docs-"));
    try {
      expect((await scenario(["init", "--ci", "github"], project)).code).toBe(0);
      const workflow = readFileSync(join(project, WORKFLOW), "utf8");
      expect(readFileSync(page, "utf8")).toContain(`\`\`\`yaml\n${workflow}\`\`\``);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describe("scenario init --ci github: the workflow's commands", () => {
  // The project must sit inside the workspace so its scenarios resolve @scenario/kit as the
  // fixtures do; it is a copy of the basic fixture's passing scenarios, removed afterwards.
  let project: string;
  beforeAll(() => {
    assertCliBuilt();
    project = mkdtempSync(join(import.meta.dirname, "tmp-init-ci-"));
    const basic = join(FIXTURES, "basic");
    cpSync(join(basic, "echo-agent.ts"), join(project, "echo-agent.ts"));
    mkdirSync(join(project, "scenarios"));
    for (const file of ["billing.scenario.ts", "greetings.scenario.ts"]) {
      cpSync(join(basic, "scenarios", file), join(project, "scenarios", file));
    }
  });
  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it("runs every shard with the workflow's command and merges their reports with its merge command", async () => {
    expect((await scenario(["init", "--ci", "github", "--shards", "2"], project)).code).toBe(0);
    const [run, merge] = scenarioCommands(readFileSync(join(project, WORKFLOW), "utf8"));
    expect(run).toBeDefined();
    expect(merge).toBeDefined();

    // Each job: its share of the suite into scenario-reports, uploaded as scenario-reports-shard-<i>;
    // download-artifact then puts every artifact in its own folder under shards/.
    const listed = await runCli(["run", "--list", "--json"], { cwd: project });
    expect(listed.code).toBe(0);
    const total = (JSON.parse(listed.stdout) as unknown[]).length;
    expect(total).toBe(5);
    for (const shard of [1, 2]) {
      const args = (run as string[]).join(" ").replace(MATRIX_SHARD, String(shard)).split(" ");
      const result = await runCli(args, { cwd: project });
      expect(result.code).toBe(0);
      mkdirSync(join(project, "shards"), { recursive: true });
      renameSync(
        join(project, "scenario-reports"),
        join(project, "shards", `scenario-reports-shard-${shard}`),
      );
    }

    // The shell expands shards/* before the CLI sees it.
    const mergeArgs = (merge as string[]).flatMap((arg) =>
      arg === "shards/*" ? readdirSync(join(project, "shards")).map((name) => join("shards", name)) : [arg],
    );
    const merged = await runCli(mergeArgs, { cwd: project });
    expect(merged.code).toBe(0);
    expect(merged.stdout).toContain(`Merged ${total} runs from 2 events files`);
    const junit = readFileSync(join(project, "scenario-reports", "junit.xml"), "utf8");
    expect(junit.match(/<testcase /g)).toHaveLength(total);
    expect(existsSync(join(project, "scenario-reports", "index.html"))).toBe(true);
  });
});
