import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { type ServerOptions, type WebSocket, WebSocketServer } from "ws";

// The scaffolding every fake voice server shares: the frame log and waitFor(), and the WebSocket
// server's lifecycle and connection tracking. Internal: each fake keeps its own public API.

/** A logged frame: which way it went is all the log needs to know. */
export interface DirectedRecord {
  direction: "received" | "sent";
}

/** The frames a fake saw, and `waitFor()` re-checked after every change. */
export interface FrameLog<Frame extends DirectedRecord> {
  /** Every frame received from clients, in order. */
  readonly received: Frame[];
  /** Every frame sent to clients, in order. */
  readonly sent: Frame[];
  /** Logs a frame and wakes every waiter. */
  log(record: Frame): void;
  /** Wakes every waiter: something a predicate may look at changed. */
  notify(): void;
  /** Resolves with the predicate's first truthy value, re-checked after every `notify()`. */
  waitFor<T>(predicate: () => T | undefined | null | false, options?: { timeoutMs?: number }): Promise<T>;
}

/**
 * Makes a frame log whose `waitFor()` gives up after `timeoutMs` (5000 by default) with
 * "The <serverName>'s waitFor() gave up after … ms.".
 */
export function createFrameLog<Frame extends DirectedRecord>(serverName: string): FrameLog<Frame> {
  const received: Frame[] = [];
  const sent: Frame[] = [];
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of [...listeners]) listener();
  };
  return {
    received,
    sent,
    log(record) {
      (record.direction === "sent" ? sent : received).push(record);
      notify();
    },
    notify,
    waitFor<T>(predicate: () => T | undefined | null | false, options: { timeoutMs?: number } = {}) {
      const timeoutMs = options.timeoutMs ?? 5000;
      return new Promise<T>((resolve, reject) => {
        const finish = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        const check = (): void => {
          const value = predicate();
          if (value === undefined || value === null || value === false) return;
          finish();
          resolve(value);
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`The ${serverName}'s waitFor() gave up after ${timeoutMs} ms.`));
        }, timeoutMs);
        timer.unref?.();
        listeners.add(check);
        check();
      });
    },
  };
}

/** Options of a fake's `waitFor()`. */
export interface FakeServerWaitOptions {
  /** Give up after this many milliseconds. @default 5000 */
  timeoutMs?: number;
}

/**
 * What every fake voice server offers: where it listens, its frame log, its reply source and
 * faults, `waitFor()` and `close()`. Each fake's public interface extends it with its own logs.
 */
export interface FakeVoiceServerBase<Frame, ReplySource, Fault> {
  /** Where to connect: `ws://127.0.0.1:<port><path>`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Every frame received from clients, in order. */
  readonly received: readonly Frame[];
  /** Every frame sent to clients, in order. */
  readonly sent: readonly Frame[];
  /** Replaces the reply source for replies started from now on. */
  setReply(reply: ReplySource): void;
  /** Queues a fault for the next reply (on any connection); faults queue in order. */
  injectFault(fault: Fault): void;
  /** Resolves with the predicate's first truthy value, re-checked after every frame. */
  waitFor<T>(predicate: () => T | undefined | null | false, options?: FakeServerWaitOptions): Promise<T>;
  /** Terminates every client and stops listening. Safe to call twice. */
  close(): Promise<void>;
}

/** What a fake's per-socket connection object must offer the shared lifecycle. */
export interface FakeServerConnection {
  /** Stops the connection's timers; called once the socket closes, or when the server closes. */
  handleClose(): void;
}

/** A connection the fake accepted, and the record whose `closedAtMs` the shared close handler sets. */
export interface AcceptedConnection<Connection extends FakeServerConnection> {
  connection: Connection;
  record: { closedAtMs?: number };
}

/** Options of `listenOnFreePort()`. */
export interface ListenOptions<Connection extends FakeServerConnection> {
  /** The WebSocket path clients connect to. */
  path: string;
  /** Sets `closedAtMs` on a connection's record. */
  clock: () => number;
  /** Called after a socket closes and its connection is cleaned up. */
  notify: () => void;
  /** Subprotocol negotiation, as `ws` takes it. */
  handleProtocols?: ServerOptions["handleProtocols"];
  /** Sets up one accepted socket: its record, its connection and its message handler. */
  accept(socket: WebSocket, request: IncomingMessage): AcceptedConnection<Connection>;
}

/** A listening fake WebSocket server. */
export interface ListeningServer {
  /** `ws://127.0.0.1:<port><path>`. */
  url: string;
  port: number;
  /** Stops every live connection, terminates every client and stops listening. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts a WebSocket server on 127.0.0.1 at a free port and tracks its live connections. */
export async function listenOnFreePort<Connection extends FakeServerConnection>(
  options: ListenOptions<Connection>,
): Promise<ListeningServer> {
  const { path, clock, notify } = options;
  const live = new Set<Connection>();
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    path,
    ...(options.handleProtocols !== undefined && { handleProtocols: options.handleProtocols }),
  });
  await new Promise<void>((resolve, reject) => {
    wss.once("listening", resolve);
    wss.once("error", reject);
  });
  const port = (wss.address() as AddressInfo).port;

  wss.on("connection", (socket, request) => {
    const { connection, record } = options.accept(socket, request);
    live.add(connection);
    socket.on("close", () => {
      record.closedAtMs ??= clock();
      live.delete(connection);
      connection.handleClose();
      notify();
    });
    socket.on("error", () => {
      // A client vanishing mid-frame is part of what these fakes are for; the close handler cleans up.
    });
  });

  let closing: Promise<void> | undefined;
  return {
    url: `ws://127.0.0.1:${port}${path}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // Stop reply timers now rather than when each socket's close event comes round.
        for (const connection of live) connection.handleClose();
        live.clear();
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      });
      return closing;
    },
  };
}
