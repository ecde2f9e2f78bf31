import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const DRIVER = fileURLToPath(new URL("./child/jiti-driver.mjs", import.meta.url));

/** How a child process ended. */
export interface ChildOutcome {
  /** The exit code; null when it had to be killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the child printing `DRAINED` to its exit, when it printed it. */
  exitAfterDrainMs?: number;
  /** Whether the child had to be killed because it did not end within `killAfterMs`. */
  killed: boolean;
}

/**
 * Runs `test/child/<name>.ts` in a fresh Node process with the given environment, killing it if it
 * is still alive after `killAfterMs` so a hanging child never hangs the test run.
 */
export function runChild(
  name: string,
  env: Record<string, string>,
  killAfterMs = 30_000,
): Promise<ChildOutcome> {
  const script = fileURLToPath(new URL(`./child/${name}.ts`, import.meta.url));
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [DRIVER, script], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let drainedAt: number | undefined;
    let killed = false;
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
      if (drainedAt === undefined && stdout.includes("DRAINED")) drainedAt = Date.now();
    });
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
    });
    const killer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, killAfterMs);
    child.on("error", (error) => {
      clearTimeout(killer);
      fail(error);
    });
    child.on("close", (code) => {
      clearTimeout(killer);
      const exitedAt = Date.now();
      done({
        code,
        stdout,
        stderr,
        killed,
        exitAfterDrainMs: drainedAt === undefined ? undefined : exitedAt - drainedAt,
      });
    });
  });
}
