/**
 * Where a reporter or the bus writes text: `process.stdout`, `process.stderr`, a file stream, or
 * anything with a `write` method (tests pass a collector).
 */
export interface OutputStream {
  /** Writes a chunk of text. */
  write(chunk: string): unknown;
  /** True for a terminal; enables the live view and colours. */
  isTTY?: boolean;
  /** The terminal width in columns, when known. */
  columns?: number;
}

/** Writes one line, ignoring a stream that fails (a closed pipe must not break a run). */
export function writeLine(stream: OutputStream, line: string): void {
  try {
    stream.write(line.endsWith("\n") ? line : `${line}\n`);
  } catch {
    // Nothing sensible can be done when the diagnostics stream itself is broken.
  }
}
