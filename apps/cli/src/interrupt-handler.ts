/** Exit code of a run stopped by Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** What `handleInterrupts()` returns. */
export interface InterruptHandle {
  /** Aborted at the first Ctrl-C (or SIGTERM). */
  readonly signal: AbortSignal;
  /** Stops listening, restoring Node's default behaviour. */
  dispose(): void;
}

/**
 * Turns the first SIGINT or SIGTERM into an abort (the caller stops starting work, cancels what
 * runs and flushes its reports), and the second into an immediate exit with code 130. Right before
 * that exit `beforeExit` runs: synchronous work only (the reporters' `emergencyFlush()`), since
 * nothing awaited would ever finish.
 */
export function handleInterrupts(
  onFirst: (signalName: NodeJS.Signals) => void,
  beforeExit?: () => void,
): InterruptHandle {
  const controller = new AbortController();
  const listener = (signalName: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      try {
        beforeExit?.();
      } finally {
        process.exit(EXIT_INTERRUPTED);
      }
    }
    controller.abort();
    onFirst(signalName);
  };
  process.on("SIGINT", listener);
  process.on("SIGTERM", listener);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", listener);
      process.off("SIGTERM", listener);
    },
  };
}
