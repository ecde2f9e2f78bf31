import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const PACKAGE = join(import.meta.dirname, "..");
const CLI_BIN = join(PACKAGE, "node_modules", "@scenario", "cli", "bin", "scenario.js");
const BUILDS = [
  join(PACKAGE, "node_modules", "@scenario", "cli", "dist", "cli.js"),
  join(PACKAGE, "node_modules", "@scenario", "kit", "dist", "index.js"),
  join(PACKAGE, "dist", "index.js"),
];

/** Throws a message naming the missing builds: the CLI loads the kit and this package from dist. */
export function assertBuilt(packageName: string): void {
  const missing = BUILDS.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `This test runs the built CLI and needs ${missing.join(", ")}. Build first: ` +
        `pnpm exec turbo run build --filter=${packageName}... --filter=@scenario/cli...`,
    );
  }
}

/** Runs `scenario <args>` in `cwd` with the given extra environment (no inherited keys), killed after 100 s. */
export function runCli(
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "1", NO_COLOR: "1", ...options.env };
  for (const name of ["NODE_OPTIONS", "LANGWATCH_API_KEY", "SCENARIO_CACHE_MODE", "SCENARIO_BATCH_RUN_ID"]) {
    delete env[name];
  }
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
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
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 100_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A finished run as events.jsonl records it. */
export interface FinishedRun {
  status: string;
  usage?: { byRole?: Record<string, unknown> };
}

/** The SCENARIO_RUN_FINISHED events of `<output>/events.jsonl`. */
export function finishedRuns(output: string): FinishedRun[] {
  return readFileSync(join(output, "events.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as FinishedRun & { type: string })
    .filter((event) => event.type === "SCENARIO_RUN_FINISHED");
}
