/** Options of `runPool()`. */
export interface RunPoolOptions {
  /** How many tasks may run at once (at least 1). */
  concurrency: number;
  /** Once aborted, no further task is started; tasks already running are left to finish. */
  signal?: AbortSignal;
}

/**
 * Runs `tasks` with at most `concurrency` in flight, starting them in order. A task that rejects
 * does not stop the others; its rejection is returned in place. Tasks not started because
 * `signal` was aborted are reported as `skipped`.
 */
export async function runPool<T>(
  tasks: ReadonlyArray<() => Promise<T>>,
  options: RunPoolOptions,
): Promise<Array<PromiseSettledResult<T> | { status: "skipped" }>> {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const outcomes: Array<PromiseSettledResult<T> | { status: "skipped" }> = tasks.map(() => ({
    status: "skipped",
  }));
  let next = 0;
  const worker = async () => {
    while (next < tasks.length && !options.signal?.aborted) {
      const position = next++;
      const task = tasks[position] as () => Promise<T>;
      try {
        outcomes[position] = { status: "fulfilled", value: await task() };
      } catch (reason) {
        outcomes[position] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return outcomes;
}
