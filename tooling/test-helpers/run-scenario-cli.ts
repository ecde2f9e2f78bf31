// Runs the built `scenario` CLI in a child process, for the end-to-end tests of the packages whose
// scenario files the CLI loads (the adapters, red-team). Not published: each package's tests import
// it by relative path. It imports only Node built-ins, because bare `@scenario/*` imports do not
// resolve from this folder.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";

/**
 * Variables of this process that would change what the CLI does (reporting to LangWatch, the record
 * and replay cache, a batch id, a red-team report switch, a loader in NODE_OPTIONS) or reach a real
 * model: the child never inherits them; a test passes what it needs in `env`.
 */
const STRIPPED_ENV = [
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "LANGWATCH_API_KEY",
  "SCENARIO_CACHE_MODE",
  "SCENARIO_BATCH_RUN_ID",
  "SCENARIO_REDTEAM_REPORT",
  "NODE_OPTIONS",
];

/** A run's end as `events.jsonl` records it (the fields the tests read). */
export interface FinishedRun {
  /** The scenario's name. */
  name?: string;
  /** `SUCCESS`, `FAILED`, `ERROR`… */
  status: string;
  /** Tokens by participant role (`Agent`, `User`, `Judge`). */
  usage?: { byRole: Record<string, { inputTokens?: number; outputTokens?: number; totalTokens: number }> };
  /** The verdict: reasoning and the criteria the judge checked. */
  results?: {
    reasoning?: string;
    criteria?: Array<{ criterion: string; verdict: string; reasoning: string }>;
  };
  /** Artifacts attached to the result, by key (for example `redTeam`). */
  artifacts?: Record<string, unknown>;
}

/** What a finished CLI process left: exit code, output and the events it wrote. */
export interface ScenarioCliRun {
  /** The exit code; `null` when the process was killed at the time limit. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The text of `events.jsonl` (empty when the CLI wrote none). */
  events: string;
  /** The SCENARIO_RUN_FINISHED events, in the order written. */
  finished: FinishedRun[];
}

/** Options of {@link runScenarioCli}. */
export interface RunScenarioCliOptions {
  /** The package whose tests run: @scenario/cli is resolved from it, and its dist must be built. */
  packageDir: string;
  /** The folder the CLI runs in (where it finds scenario files and `scenario.config.ts`). */
  cwd: string;
  /** The child's extra environment (model URL and key included); nothing secret is inherited. */
  env: Record<string, string>;
  /** Arguments after `run -o <output>`, for example reporters. @default [] */
  args?: string[];
  /**
   * The output folder, kept for the caller to read and remove. @default a temporary folder,
   * removed once the events are read
   */
  output?: string;
  /** When the child is killed. @default 100_000 */
  timeoutMs?: number;
}

/** The CLI bin and every dist it loads, or an error naming what to build. */
function builtCli(packageDir: string): string {
  const packageJson = join(packageDir, "package.json");
  const cliDir = dirname(createRequire(packageJson).resolve("@scenario/cli/package.json"));
  const kitDir = dirname(createRequire(packageJson).resolve("@scenario/kit/package.json"));
  const builds = [
    join(cliDir, "dist", "cli.js"),
    join(kitDir, "dist", "index.js"),
    join(packageDir, "dist", "index.js"),
  ];
  const missing = builds.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    const name =
      (JSON.parse(readFileSync(packageJson, "utf8")) as { name?: string }).name ?? basename(packageDir);
    throw new Error(
      `This test runs the built CLI and needs ${missing.join(", ")}. Build first: ` +
        `pnpm exec turbo run build --filter=${name}... --filter=@scenario/cli...`,
    );
  }
  return join(cliDir, "bin", "scenario.js");
}

/** The SCENARIO_RUN_FINISHED events of an `events.jsonl` text. */
function finishedRuns(events: string): FinishedRun[] {
  return events
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as FinishedRun & { type: string })
    .filter((event) => event.type === "SCENARIO_RUN_FINISHED");
}

/**
 * Runs `scenario run -o <output> ...args` in `cwd`, killed after `timeoutMs`, and reads the events it
 * wrote. Throws, naming the builds, when the CLI, the kit or the package is not built.
 */
export async function runScenarioCli(options: RunScenarioCliOptions): Promise<ScenarioCliRun> {
  const cliBin = builtCli(options.packageDir);
  const output = options.output ?? mkdtempSync(join(tmpdir(), "scenario-cli-run-"));
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "1", NO_COLOR: "1" };
  for (const name of STRIPPED_ENV) delete env[name];
  Object.assign(env, options.env);
  try {
    const child = spawn(process.execPath, [cliBin, "run", "-o", output, ...(options.args ?? [])], {
      cwd: options.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 100_000);
      child.on("close", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    const eventsPath = join(output, "events.jsonl");
    const events = existsSync(eventsPath) ? readFileSync(eventsPath, "utf8") : "";
    return { code, stdout, stderr, events, finished: finishedRuns(events) };
  } finally {
    if (options.output === undefined) rmSync(output, { recursive: true, force: true });
  }
}
