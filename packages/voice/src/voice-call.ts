import { type VoiceCapabilities, VoiceStreamEndedError, type VoiceTransport } from "@scenario/spec";
import { CallClock } from "./call-clock";
import { createVoiceRecorder, type VoiceRecorder, type VoiceRecorderOptions } from "./voice-recorder";
import {
  resolveSessionOptions,
  type VoicePlayback,
  type VoiceSessionOptions,
  type VoiceSessionTimings,
} from "./voice-session-options";

/**
 * The state of one call that the session driver's parts share: the transport, the clocks, the
 * recording, and the errors waiting for the next turn. One per adapter; `restart()` begins a call.
 */
export class VoiceCall {
  readonly transport: VoiceTransport;
  /** The adapter's display name, for errors. */
  readonly name: string;
  readonly options: Readonly<VoiceSessionOptions>;
  readonly timings: VoiceSessionTimings;
  readonly playback: VoicePlayback;
  readonly clock: CallClock;
  recorder: VoiceRecorder;
  /** The transport is open and has not reported a close. */
  connected = false;
  /** Call time at which the user audio sent so far ends, spoken in real time. */
  userAudioEndsAtMs = 0;
  /** The user's turn ended and no reply has taken its time to first audio yet. */
  pendingTurnEndMs: number | undefined;
  /** A failure seen while no reply was in flight; the next turn reports it. */
  private pendingError: Error | undefined;

  constructor(transport: VoiceTransport, options: VoiceSessionOptions) {
    const resolved = resolveSessionOptions(options);
    this.transport = transport;
    this.name = options.name ?? transport.name;
    this.options = { ...options };
    this.timings = resolved.timings;
    this.playback = resolved.playback;
    this.clock = new CallClock(resolved.clock);
    this.recorder = this.newRecorder();
  }

  /** What the transport can do. */
  get capabilities(): VoiceCapabilities {
    return this.transport.capabilities;
  }

  /** Milliseconds since the call started, on the call clock. */
  nowMs(): number {
    return this.clock.nowMs();
  }

  /** The wall clock, in milliseconds. */
  wallNowMs(): number {
    return this.clock.wallNowMs();
  }

  /**
   * Starts a new call: call time 0, an empty recording, no pending error. `hooks` see the new
   * recording's audio and events as they are recorded.
   */
  restart(hooks: RecorderHooks = {}): void {
    this.clock.restart();
    this.recorder = this.newRecorder(hooks);
    this.userAudioEndsAtMs = 0;
    this.pendingTurnEndMs = undefined;
    this.pendingError = undefined;
  }

  assertConnected(what: string): void {
    if (!this.connected) {
      throw new VoiceStreamEndedError(
        `${this.name}: ${what} needs an open connection. connect() was not called, or the connection has closed.`,
      );
    }
  }

  /** Keeps the first failure for the next turn. */
  rememberError(error: unknown): void {
    if (this.pendingError === undefined) {
      this.pendingError = error instanceof Error ? error : new Error(String(error));
    }
  }

  throwPendingError(): void {
    const error = this.pendingError;
    if (error === undefined) return;
    this.pendingError = undefined;
    throw error;
  }

  private newRecorder(hooks: RecorderHooks = {}): VoiceRecorder {
    // The recorder reads call time; created at call time 0 so its own elapsedMs() agrees.
    return createVoiceRecorder({ ...hooks, clock: () => this.clock.nowMs() });
  }
}

/** What may watch a call's recording as it grows. */
export type RecorderHooks = Pick<VoiceRecorderOptions, "onAudio" | "onEvent">;
