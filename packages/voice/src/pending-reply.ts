import type {
  InterruptOutcome,
  ToolCallPart,
  ToolResultPart,
  VoiceAudioFormat,
  VoiceTimelineEvent,
  VoiceWireAudio,
} from "@scenario/spec";
import { concatPcm, pcmByteLength, pcmDurationMsOfBytes } from "./pcm";
import type { VoiceSegmentRecorder } from "./voice-recorder";
import type { VoiceSessionTimings } from "./voice-session-options";
import { sameAudioFormat, wireByteLength, wireDurationMs, wireFrameBytes } from "./wire-audio";

/** Why a reply ended. */
export type ReplyEndReason = "completed" | "silence-tail" | "interrupted" | "max-length" | "failed";

/** A piece of reply audio as it crossed the wire. */
interface WireChunk {
  data: Uint8Array;
  format: VoiceAudioFormat;
}

/** One agent reply, from the end of the user's turn to the end of the agent's audio. */
export class PendingReply {
  /** Call time the user's turn ended (undefined for a reply nobody asked for). */
  readonly turnEndedAtMs: number | undefined;
  readonly openedAtWallMs: number;
  /** The accepted audio, 24 kHz PCM16. */
  readonly audio: Uint8Array[] = [];
  /** The same audio as it crossed the wire, when that was another format. */
  private readonly wire: WireChunk[] = [];
  acceptedBytes = 0;
  transcript = "";
  finalTranscript: string | undefined;
  firstAudioAtWallMs: number | undefined;
  /** When the last agent audio arrived, accepted or not (times a barge-in without confirmation). */
  lastAudioAtWallMs: number | undefined;
  segment: VoiceSegmentRecorder | undefined;
  segmentStartMs = 0;
  lastActivityAtWallMs: number;
  /** The transport said the reply is over (or, after a cancel, confirmed it stopped). */
  transportEnded = false;
  readonly transportEndedSignal: Promise<number>;
  private resolveTransportEnded!: (atWallMs: number) => void;
  /** The request for this reply reached the transport (`endUserTurn()` returned). */
  readonly requested: Promise<void>;
  resolveRequested!: () => void;
  /** A barge-in or the length limit cut the reply: its remaining audio is dropped. */
  cancelled = false;
  finished = false;
  error: Error | undefined;
  interruptAfterMs: number | undefined;
  /** A planned barge-in once the streamed transcript holds this many words. */
  interruptAfterWords: number | undefined;
  /** The barge-in on this reply, once one started. */
  bargeIn: Promise<InterruptOutcome> | undefined;
  /**
   * A barge-in by speech (`bargeIn: "on-user-speech"`) waits for the caller's first frame to start
   * timing the interrupt response; set once that frame went out.
   */
  awaitingUserSpeech = false;
  /** The timeline's `user-interrupt` event of this reply, completed with the response time. */
  interruptEvent: VoiceTimelineEvent | undefined;
  firstAudioTimeoutMs: number;
  silenceTailMs: number;
  maxReplyMs: number;
  armed = false;
  readonly toolCalls: ToolCallPart[] = [];
  readonly toolResults: ToolResultPart[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private waiters: Array<() => void> = [];

  constructor(
    turnEndedAtMs: number | undefined,
    openedAtWallMs: number,
    defaults: Pick<VoiceSessionTimings, "firstAudioTimeoutMs" | "silenceTailMs" | "maxReplyMs">,
  ) {
    this.turnEndedAtMs = turnEndedAtMs;
    this.openedAtWallMs = openedAtWallMs;
    this.lastActivityAtWallMs = openedAtWallMs;
    this.firstAudioTimeoutMs = defaults.firstAudioTimeoutMs;
    this.silenceTailMs = defaults.silenceTailMs;
    this.maxReplyMs = defaults.maxReplyMs;
    this.transportEndedSignal = new Promise((resolve) => {
      this.resolveTransportEnded = resolve;
    });
    this.requested = new Promise((resolve) => {
      this.resolveRequested = resolve;
    });
  }

  /** Milliseconds of audio accepted so far. */
  get acceptedMs(): number {
    return pcmDurationMsOfBytes(this.acceptedBytes);
  }

  /**
   * Keeps at most `roomBytes` of `pcm`, and the matching part of its wire bytes when the wire format
   * differs from Scenario's (`wire` undefined).
   */
  accept(pcm: Uint8Array, wire: WireChunk | undefined, roomBytes: number): void {
    const kept = pcm.byteLength > roomBytes ? pcm.subarray(0, roomBytes) : pcm;
    if (kept.byteLength === 0) return;
    this.audio.push(kept.slice());
    this.acceptedBytes += kept.byteLength;
    if (wire === undefined) return;
    const data =
      kept.byteLength === pcm.byteLength
        ? wire.data
        : wire.data.subarray(
            0,
            wholeFrames(wireByteLength(pcmDurationMsOfBytes(kept.byteLength), wire.format), wire.format),
          );
    this.wire.push({ data: data.slice(), format: wire.format });
  }

  /** Cuts the accepted audio (and its wire bytes) to its first `keepMs` milliseconds. */
  cutTo(keepMs: number): void {
    if (keepMs >= this.acceptedMs) return;
    const kept = concatPcm(this.audio).subarray(0, pcmByteLength(keepMs));
    this.audio.length = 0;
    this.audio.push(kept);
    this.acceptedBytes = kept.byteLength;
    let remainingMs = keepMs;
    const wire = this.wire.splice(0);
    for (const chunk of wire) {
      if (remainingMs <= 0) break;
      const chunkMs = wireDurationMs(chunk.data.byteLength, chunk.format);
      const keepBytes =
        chunkMs <= remainingMs
          ? chunk.data.byteLength
          : wholeFrames(wireByteLength(remainingMs, chunk.format), chunk.format);
      this.wire.push({ data: chunk.data.subarray(0, keepBytes), format: chunk.format });
      remainingMs -= chunkMs;
    }
  }

  /** The reply's audio as it crossed the wire, when that was one format other than Scenario's. */
  wireAudio(): VoiceWireAudio | undefined {
    const first = this.wire[0];
    if (first === undefined) return undefined;
    if (!this.wire.every((chunk) => sameAudioFormat(chunk.format, first.format))) return undefined;
    return { format: { ...first.format }, data: concatPcm(this.wire.map((chunk) => chunk.data)) };
  }

  markTransportEnded(atWallMs: number): void {
    if (this.transportEnded) return;
    this.transportEnded = true;
    this.resolveTransportEnded(atWallMs);
  }

  /** Resolves on the next change (audio, end, error). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  schedule(ms: number, action: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        action();
      },
      Math.max(0, ms),
    );
    timer.unref?.();
    this.timers.add(timer);
  }

  clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

function wholeFrames(byteLength: number, format: VoiceAudioFormat): number {
  const frame = wireFrameBytes(format);
  return byteLength - (byteLength % frame);
}

/** A turn of `call()` in progress, so an early `interrupt()` can find it before its reply opens. */
export interface TurnInFlight {
  /** Resolves to the turn's reply once it opens, or to undefined when the turn ends without one. */
  replyOpened: Promise<PendingReply | undefined>;
  resolveReplyOpened(reply: PendingReply | undefined): void;
}

export function beginTurnInFlight(): TurnInFlight {
  let resolve!: (reply: PendingReply | undefined) => void;
  const replyOpened = new Promise<PendingReply | undefined>((done) => {
    resolve = done;
  });
  return { replyOpened, resolveReplyOpened: resolve };
}
