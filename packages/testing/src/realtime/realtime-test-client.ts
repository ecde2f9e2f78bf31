import { WebSocket } from "ws";
import { recordMessages } from "../shared/raw-test-socket";
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
  const {
    entries: events,
    closed,
    waitFor,
  } = await recordMessages<ReceivedEvent>(socket, (data) => ({
    event: JSON.parse(data.toString()) as RealtimeEvent,
    atMs: performance.now(),
  }));
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
      return waitFor(
        () => ofType(type)[count - 1],
        timeoutMs,
        () =>
          `no '${type}' #${count} within ${timeoutMs} ms; got ${events.map((e) => e.event.type).join(", ")}`,
      );
    },
    closed,
    close() {
      socket.close();
    },
  };
}

export { delay } from "../shared/raw-test-socket";

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
