import { WebSocket } from "ws";
import { recordMessages } from "../shared/raw-test-socket";
import type { TwilioMessage } from "./twilio-types";

// A raw `ws` client playing Twilio's side, for this folder's tests. Not exported from the package.

/** One message the caller received, with its arrival time. */
export interface ReceivedMessage {
  message: TwilioMessage;
  /** The raw text, for frames that are not JSON. */
  raw: string;
  atMs: number;
}

/** A connected raw caller. */
export interface RawTwilioCaller {
  socket: WebSocket;
  received: ReceivedMessage[];
  readonly streamSid: string;
  /** Sends any JSON (or raw text), returning when it was sent. */
  send(message: TwilioMessage | string): number;
  /** Sends `connected` then `start`. */
  start(customParameters?: Record<string, string>): void;
  /** Sends μ-law audio as 20 ms `media` frames; paced in real time when `paced`. Returns the last send time. */
  media(mulaw: Uint8Array, options?: { paced?: boolean }): Promise<number>;
  dtmf(digit: string): void;
  mark(name: string): void;
  stop(): void;
  next(event: string, options?: { count?: number; timeoutMs?: number }): Promise<ReceivedMessage>;
  ofEvent(event: string): ReceivedMessage[];
  closed: Promise<{ code: number; atMs: number }>;
  close(): void;
}

/** μ-law silence (positive zero). */
export const MULAW_SILENCE = 0xff;

/** Connects to `url` and records every message it receives. */
export async function connectRawCaller(
  url: string,
  options: { headers?: Record<string, string> } = {},
): Promise<RawTwilioCaller> {
  const socket = new WebSocket(url, { headers: options.headers ?? {} });
  const {
    entries: received,
    closed,
    waitFor,
  } = await recordMessages<ReceivedMessage>(socket, (data) => {
    const raw = data.toString();
    let message: TwilioMessage;
    try {
      message = JSON.parse(raw) as TwilioMessage;
    } catch {
      message = { event: "(invalid)" };
    }
    return { message, raw, atMs: performance.now() };
  });
  const streamSid = "MZ00000000000000000000000000000001";
  const callSid = "CA00000000000000000000000000000001";
  const accountSid = "AC00000000000000000000000000000001";
  let sequence = 1;
  let chunk = 1;
  const ofEvent = (event: string) => received.filter((entry) => entry.message.event === event);
  const send = (message: TwilioMessage | string): number => {
    const sentAt = performance.now();
    socket.send(typeof message === "string" ? message : JSON.stringify(message));
    return sentAt;
  };
  const sendNumbered = (message: Record<string, unknown> & { event: string }): number =>
    send({ ...message, sequenceNumber: String(sequence++) });
  return {
    socket,
    received,
    streamSid,
    send,
    start(customParameters = {}) {
      send({ event: "connected", protocol: "Call", version: "1.0.0" });
      sendNumbered({
        event: "start",
        streamSid,
        start: {
          streamSid,
          callSid,
          accountSid,
          tracks: ["inbound"],
          customParameters,
          mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
        },
      });
    },
    async media(mulaw, { paced = false } = {}) {
      let lastSentAt = performance.now();
      const startedAt = lastSentAt;
      for (let offset = 0, index = 0; offset < mulaw.byteLength; offset += 160, index++) {
        if (paced) {
          const due = startedAt + index * 20;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
        const frame = new Uint8Array(160).fill(MULAW_SILENCE);
        frame.set(mulaw.subarray(offset, offset + 160));
        const payload = Buffer.from(frame).toString("base64");
        lastSentAt = sendNumbered({
          event: "media",
          streamSid,
          media: { track: "inbound", chunk: String(chunk), timestamp: String((chunk - 1) * 20), payload },
        });
        chunk++;
      }
      return lastSentAt;
    },
    dtmf(digit) {
      sendNumbered({ event: "dtmf", streamSid, dtmf: { track: "inbound_track", digit } });
    },
    mark(name) {
      sendNumbered({ event: "mark", streamSid, mark: { name } });
    },
    stop() {
      sendNumbered({ event: "stop", streamSid, stop: { accountSid, callSid } });
    },
    next(event, { count = 1, timeoutMs = 5000 } = {}) {
      return waitFor(
        () => ofEvent(event)[count - 1],
        timeoutMs,
        () =>
          `no '${event}' #${count} within ${timeoutMs} ms; got ${received.map((entry) => entry.message.event).join(", ")}`,
      );
    },
    ofEvent,
    closed,
    close() {
      socket.close();
    },
  };
}

/** Concatenates the payloads of the `media` messages received. */
export function receivedAudio(entries: readonly ReceivedMessage[]): Buffer {
  return Buffer.concat(
    entries.map((entry) =>
      Buffer.from(String((entry.message.media as { payload: string }).payload), "base64"),
    ),
  );
}

/** μ-law silence lasting `ms`. */
export function mulawSilence(ms: number): Uint8Array {
  return new Uint8Array(ms * 8).fill(MULAW_SILENCE);
}

export { delay } from "../shared/raw-test-socket";
