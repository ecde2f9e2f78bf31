import type { TwilioFault, TwilioReplyOutcome, TwilioReplyRecord } from "./twilio-types";

/** μ-law bytes per millisecond at 8 kHz. */
const BYTES_PER_MS = 8;

/** A reply in progress; `ended` once it completed, was cleared, faulted or its connection closed. */
export interface ActiveReply {
  record: TwilioReplyRecord;
  ended: boolean;
  /** Wakes a pending sleep early (the reply ended). */
  wake?: () => void;
  timer?: ReturnType<typeof setTimeout>;
}

/** What streaming a reply needs from its connection. */
export interface ReplyWire {
  clock: () => number;
  chunkMs: number;
  paceFactor: number;
  /** Sends one `media` frame of the reply. */
  sendMedia(payload: Uint8Array): void;
  /** Acts out a fault in place of the rest of the reply. */
  actOut(fault: TwilioFault): void;
  /** After the last frame: a mark to wait for, or the end of the reply. */
  finish(): void;
  end(outcome: TwilioReplyOutcome): void;
}

/**
 * Sends the reply's audio in `chunkMs` frames, paced by `paceFactor` from the first frame (in one
 * burst when unpaced, as a bot forwarding its TTS output does), acting out `fault` at its frame.
 * Stops as soon as the reply ends (a `clear`, a closed socket).
 */
export async function streamReply(
  active: ActiveReply,
  audio: Uint8Array,
  fault: TwilioFault | undefined,
  wire: ReplyWire,
): Promise<void> {
  const { record } = active;
  const chunkBytes = Math.max(1, Math.round(wire.chunkMs * BYTES_PER_MS));
  const frameCount = Math.ceil(audio.byteLength / chunkBytes);
  const intervalMs = Number.isFinite(wire.paceFactor) ? wire.chunkMs / wire.paceFactor : 0;
  const firstAt = wire.clock();
  const faultAt = fault === undefined ? -1 : (fault.afterFrames ?? 0);
  for (let index = 0; index <= frameCount; index++) {
    if (index === faultAt && fault !== undefined) {
      wire.actOut(fault);
      return;
    }
    if (index === frameCount) break;
    if (
      index > 0 &&
      intervalMs > 0 &&
      !(await sleepUntil(active, wire.clock, firstAt + index * intervalMs))
    ) {
      return;
    }
    const payload = audio.subarray(index * chunkBytes, Math.min(audio.byteLength, (index + 1) * chunkBytes));
    if (index === 0) record.firstFrameAtMs = wire.clock();
    record.frameCount++;
    record.sentBytes += payload.byteLength;
    wire.sendMedia(payload);
  }
  if (frameCount === 0) wire.end("completed");
  else wire.finish();
}

/**
 * Waits until `clock` reaches `untilMs` unless the reply ends first; resolves false when it did.
 * Always yields once, so a `clear` decided on the socket is seen.
 */
export async function sleepUntil(
  active: ActiveReply,
  clock: () => number,
  untilMs: number,
): Promise<boolean> {
  do {
    if (!(await sleep(active, untilMs - clock()))) return false;
    // Timers may fire a little early on the event loop's cached time: wait out the rest.
  } while (clock() < untilMs);
  return true;
}

function sleep(active: ActiveReply, ms: number): Promise<boolean> {
  if (active.ended) return Promise.resolve(false);
  return new Promise((resolve) => {
    active.wake = () => {
      active.wake = undefined;
      active.timer = undefined;
      resolve(!active.ended);
    };
    active.timer = setTimeout(active.wake, Math.max(0, ms));
    active.timer.unref?.();
  });
}
