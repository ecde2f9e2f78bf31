import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIO } from "../src/cli-io";
import { main } from "../src/main";

/** The built `scenario` command: the bin launcher, which loads dist/cli.js. */
export const CLI_BIN = join(import.meta.dirname, "..", "bin", "scenario.js");
const CLI_DIST = join(import.meta.dirname, "..", "dist", "cli.js");

/** The fixture projects. */
export const FIXTURES = join(import.meta.dirname, "fixtures");

/** Throws a clear message when the CLI has not been built: these tests run the real binary. */
export function assertCliBuilt(): void {
  if (!existsSync(CLI_DIST)) {
    throw new Error(
      "apps/cli/dist/cli.js is missing: the end-to-end tests spawn the built `scenario` binary. " +
        "Build first (`npm test` builds before running vitest; or `pnpm --filter @scenario/cli... build`).",
    );
  }
}

/** What a finished CLI process left. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A CLI process in flight. */
export interface CliProcess {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Resolves when the process exits (killed after `timeoutMs`). */
  done: Promise<CliResult>;
}

/** The environment of every CLI process: no real API keys, no colours, no live console view. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "1", NO_COLOR: "1" };
  for (const name of [
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "LANGWATCH_API_KEY",
    "SCENARIO_BATCH_RUN_ID",
    "SCENARIO_CACHE_MODE",
    "NODE_OPTIONS",
  ]) {
    delete env[name];
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Starts `scenario <args>` in `cwd`. */
export function startCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number },
): CliProcess {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  const done = new Promise<CliResult>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    timer.unref();
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, stdout: () => stdout, done };
}

/** Runs `scenario <args>` in `cwd` to the end. */
export function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number },
): Promise<CliResult> {
  return startCli(args, options).done;
}

/** A fresh temporary folder, and its removal. */
export function temporaryDirectory(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The events of an events.jsonl file, parsed. */
export function readEvents(path: string): Array<Record<string, unknown> & { type: string }> {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

/** The finished-run events of an events.jsonl file. */
export function finishedRuns(
  path: string,
): Array<{ scenarioId: string; status: string; scenarioRunId: string }> {
  return readEvents(path).filter((event) => event.type === "SCENARIO_RUN_FINISHED") as never;
}

/**
 * Runs `scenario <args>` in-process (from the sources, no build needed), in `cwd`, and returns the
 * exit code and what it printed.
 */
export async function runCliInProcess(args: string[], cwd: string): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    cwd,
    env: {},
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  };
  const code = await main(["node", "scenario", ...args], io);
  return { code, signal: null, stdout, stderr };
}
