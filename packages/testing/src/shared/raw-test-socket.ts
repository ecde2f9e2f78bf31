import type { RawData, WebSocket } from "ws";

// What the fakes' raw `ws` test clients share: recording what arrives and waiting for it.
// Not exported from the package.

/** A client socket whose every incoming message is recorded. */
export interface RecordingSocket<Entry> {
  /** Every message received, in order. */
  entries: Entry[];
  /** Settles when the socket closes, with the close code and time. */
  closed: Promise<{ code: number; atMs: number }>;
  /**
   * Resolves with `find()`'s first defined result, re-checked after every message and on close;
   * rejects with `timeoutMessage()` after `timeoutMs`.
   */
  waitFor<T>(find: () => T | undefined, timeoutMs: number, timeoutMessage: () => string): Promise<T>;
}

/** Records every message `socket` receives as `toEntry(data)`; resolves once the socket is open. */
export async function recordMessages<Entry>(
  socket: WebSocket,
  toEntry: (data: RawData) => Entry,
): Promise<RecordingSocket<Entry>> {
  const entries: Entry[] = [];
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of [...listeners]) listener();
  };
  socket.on("message", (data) => {
    entries.push(toEntry(data));
    notify();
  });
  const closed = new Promise<{ code: number; atMs: number }>((resolve) => {
    socket.on("close", (code) => {
      resolve({ code, atMs: performance.now() });
      notify();
    });
  });
  socket.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return {
    entries,
    closed,
    waitFor<T>(find: () => T | undefined, timeoutMs: number, timeoutMessage: () => string) {
      return new Promise<T>((resolve, reject) => {
        const check = (): void => {
          const found = find();
          if (found === undefined) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(timeoutMessage()));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

/** Waits `ms` milliseconds (for "nothing more arrives" checks). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
