/** Where a command writes and what it reads from its environment; the process's by default. */
export interface CliIO {
  /** The working directory. */
  cwd: string;
  /** The environment. */
  env: NodeJS.ProcessEnv;
  /** Normal output. */
  stdout: { write(text: string): unknown; isTTY?: boolean };
  /** Diagnostics. */
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Where debug mode reads the lines typed for the user. @default none: debug mode is refused */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** The process's own streams, directory and environment. */
export function processIO(): CliIO {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
  };
}
