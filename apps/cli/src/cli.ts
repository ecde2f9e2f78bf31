#!/usr/bin/env node
import { main } from "./main";

/** The longest the exit waits for the terminal or pipe to take the last output. */
const FLUSH_LIMIT_MS = 5_000;

/**
 * Resolves once everything written so far to the stream has been handed to the OS. Writes to a
 * pipe are asynchronous, and process.exit() drops what is still queued: a CI log would lose the
 * summary line after a long run's output.
 */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0 || stream.destroyed) resolve();
    else stream.write("", () => resolve());
  });
}

/**
 * Exits explicitly (servers and sockets opened by scenario files must not keep the process alive),
 * after the output is out, or after FLUSH_LIMIT_MS when nothing reads it.
 */
async function exit(code: number): Promise<never> {
  const limit = new Promise<void>((resolve) => setTimeout(resolve, FLUSH_LIMIT_MS).unref());
  await Promise.race([Promise.all([flushed(process.stdout), flushed(process.stderr)]), limit]);
  process.exit(code);
}

main(process.argv).then(exit, (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return exit(1);
});
