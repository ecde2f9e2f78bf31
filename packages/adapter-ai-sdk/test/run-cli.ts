import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** The `scenario` launcher of the installed @scenario/cli, which loads its built dist. */
const cliPackage = dirname(createRequire(import.meta.url).resolve("@scenario/cli/package.json"));
const CLI_BIN = join(cliPackage, "bin", "scenario.js");

/** What a finished CLI process left, and the run-finished events it wrote. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  finished: Array<{
    name?: string;
    status: string;
    usage?: { byRole: Record<string, { totalTokens: number }> };
  }>;
  events: string;
}

/**
 * Runs `scenario run` in `cwd` with `env` (and no real API keys or base URL from this process),
 * killed after `timeoutMs`, and reads the events it wrote.
 */
export async function runCli(cwd: string, env: Record<string, string>, timeoutMs = 90_000): Promise<CliRun> {
  if (!existsSync(join(cliPackage, "dist", "cli.js"))) {
    throw new Error(
      "@scenario/cli is not built: build it first (turbo run build --filter=@scenario/cli...).",
    );
  }
  const output = mkdtempSync(join(tmpdir(), "scenario-adapter-cli-"));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CI: "1", NO_COLOR: "1", ...env };
  for (const name of ["LANGWATCH_API_KEY", "SCENARIO_CACHE_MODE", "NODE_OPTIONS"]) delete childEnv[name];
  try {
    const child = spawn(process.execPath, [CLI_BIN, "run", "-o", output], { cwd, env: childEnv });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.on("close", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    const eventsPath = join(output, "events.jsonl");
    const events = existsSync(eventsPath) ? readFileSync(eventsPath, "utf8") : "";
    const finished = events
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as CliRun["finished"][number] & { type: string })
      .filter((event) => event.type === "SCENARIO_RUN_FINISHED");
    return { code, stdout, stderr, finished, events };
  } finally {
    rmSync(output, { recursive: true, force: true });
  }
}
