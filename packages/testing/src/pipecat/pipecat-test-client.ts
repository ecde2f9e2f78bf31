import { WebSocket } from "ws";
import { recordMessages } from "../shared/raw-test-socket";
import { decodePipecatFrame, encodePipecatFrame, type PipecatFrame } from "./pipecat-frame-codec";
import type { RtviMessage } from "./pipecat-types";

// A raw `ws` client for this folder's tests. Not exported from the package.

/** One frame the test client received, with its arrival time. */
export interface ReceivedFrame {
  /** The decoded frame, or undefined for bytes that were not a `pipecat.Frame`. */
  frame: PipecatFrame | undefined;
  /** For message frames holding RTVI: the message. */
  rtvi?: RtviMessage;
  atMs: number;
}

/** A connected raw client. */
export interface RawPipecatClient {
  socket: WebSocket;
  frames: ReceivedFrame[];
  /** Sends a frame; returns when it was sent (performance.now()). */
  send(frame: PipecatFrame): number;
  /** Sends PCM16 mono audio as one audio frame. */
  sendAudio(audio: Uint8Array, sampleRate?: number): number;
  /** Sends an RTVI message in a message frame. */
  sendRtvi(type: string, data?: unknown, id?: string): number;
  /** Resolves with the `count`-th frame that matches. */
  next(
    match: (received: ReceivedFrame) => boolean,
    options?: { count?: number; timeoutMs?: number },
  ): Promise<ReceivedFrame>;
  /** Resolves with the `count`-th RTVI message of this type. */
  nextRtvi(type: string, options?: { count?: number; timeoutMs?: number }): Promise<ReceivedFrame>;
  /** The RTVI message types received, in order. */
  rtviTypes(): string[];
  /** The audio frames received, in order. */
  audioFrames(): Array<Extract<PipecatFrame, { kind: "audio" }>>;
  closed: Promise<{ code: number; atMs: number }>;
  close(): void;
}

/** Connects to `url` and records every frame it receives. */
export async function connectRawPipecatClient(url: string): Promise<RawPipecatClient> {
  const socket = new WebSocket(url);
  const {
    entries: frames,
    closed,
    waitFor,
  } = await recordMessages<ReceivedFrame>(socket, (data) => {
    let frame: PipecatFrame | undefined;
    try {
      frame = decodePipecatFrame(data as Buffer);
    } catch {
      frame = undefined;
    }
    const received: ReceivedFrame = { frame, atMs: performance.now() };
    if (frame?.kind === "message") {
      const parsed = JSON.parse(frame.data) as RtviMessage;
      if (parsed.label === "rtvi-ai") received.rtvi = parsed;
    }
    return received;
  });
  const send = (frame: PipecatFrame): number => {
    const sentAt = performance.now();
    socket.send(encodePipecatFrame(frame), { binary: true });
    return sentAt;
  };
  const next: RawPipecatClient["next"] = (match, { count = 1, timeoutMs = 5000 } = {}) =>
    waitFor(
      () => frames.filter(match)[count - 1],
      timeoutMs,
      () => {
        const seen = frames.map((received) => received.rtvi?.type ?? received.frame?.kind ?? "(invalid)");
        return `no matching frame #${count} within ${timeoutMs} ms; got ${seen.join(", ")}`;
      },
    );
  return {
    socket,
    frames,
    send,
    sendAudio: (audio, sampleRate = 24_000) => send({ kind: "audio", audio, sampleRate, numChannels: 1 }),
    sendRtvi: (type, data, id) =>
      send({
        kind: "message",
        data: JSON.stringify({
          label: "rtvi-ai",
          type,
          ...(id !== undefined && { id }),
          ...(data !== undefined && { data }),
        }),
      }),
    next,
    nextRtvi: (type, options) => next((received) => received.rtvi?.type === type, options),
    rtviTypes: () => frames.flatMap((received) => (received.rtvi === undefined ? [] : [received.rtvi.type])),
    audioFrames: () =>
      frames.flatMap((received) => (received.frame?.kind === "audio" ? [received.frame] : [])),
    closed,
    close() {
      socket.close();
    },
  };
}

/** Audio whose bytes follow a pseudo-random sequence: loud (VAD hears it) and any loss shows. */
export function noiseAudio(ms: number, seed: number, sampleRate = 24_000): Uint8Array {
  const audio = new Uint8Array(Math.round((ms * sampleRate) / 1000) * 2);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < audio.length; index++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    audio[index] = state >>> 24;
  }
  return audio;
}

/** PCM16 silence. */
export function silenceAudio(ms: number, sampleRate = 24_000): Uint8Array {
  return new Uint8Array(Math.round((ms * sampleRate) / 1000) * 2);
}

/** Concatenates the audio of frames. */
export function joinAudio(pieces: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(pieces));
}
