import { WebSocket } from "ws";
import type { RealtimeEvent } from "./realtime-types";

// A raw `ws` client for this folder's tests. Not exported from the package.

/** One event the test client received, with its arrival time. */
export interface ReceivedEvent {
  event: RealtimeEvent;
  atMs: number;
}

/** A connected raw client. */
export interface RawRealtimeClient {
  socket: WebSocket;
  events: ReceivedEvent[];
  send(event: RealtimeEvent): number;
  next(type: string, options?: { count?: number; timeoutMs?: number }): Promise<ReceivedEvent>;
  ofType(type: string): ReceivedEvent[];
  closed: Promise<{ code: number; atMs: number }>;
  close(): void;
}

/** Connects to `url` and records every event it receives. */
export async function connectRawClient(
  url: string,
  options: { headers?: Record<string, string>; protocols?: string[] } = {},
): Promise<RawRealtimeClient> {
  const socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers ?? {} });
  const events: ReceivedEvent[] = [];
  const listeners = new Set<() => void>();
  socket.on("message", (data) => {
    events.push({ event: JSON.parse(data.toString()) as RealtimeEvent, atMs: performance.now() });
    for (const listener of [...listeners]) listener();
  });
  const closed = new Promise<{ code: number; atMs: number }>((resolve) => {
    socket.on("close", (code) => {
      resolve({ code, atMs: performance.now() });
      for (const listener of [...listeners]) listener();
    });
  });
  socket.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const ofType = (type: string) => events.filter((received) => received.event.type === type);
  return {
    socket,
    events,
    ofType,
    send(event) {
      const sentAt = performance.now();
      socket.send(JSON.stringify(event));
      return sentAt;
    },
    next(type, { count = 1, timeoutMs = 5000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = ofType(type)[count - 1];
          if (found === undefined) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `no '${type}' #${count} within ${timeoutMs} ms; got ${events.map((e) => e.event.type).join(", ")}`,
            ),
          );
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    closed,
    close() {
      socket.close();
    },
  };
}

/** Waits `ms` milliseconds (for "nothing more arrives" checks). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Undefined when the bytes are identical, else a short description of the first difference.
 * Tests use it instead of `toEqual` on audio: diffing long byte arrays stalls the reporter.
 */
export function byteDifference(actual: Uint8Array, expected: Uint8Array): string | undefined {
  const length = Math.min(actual.byteLength, expected.byteLength);
  for (let index = 0; index < length; index++) {
    if (actual[index] !== expected[index]) {
      return `first difference at byte ${index} of ${actual.byteLength} (expected ${expected.byteLength} bytes)`;
    }
  }
  if (actual.byteLength !== expected.byteLength) {
    return `${actual.byteLength} bytes, expected ${expected.byteLength} (the shorter is a prefix of the longer)`;
  }
  return undefined;
}
