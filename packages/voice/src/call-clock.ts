/**
 * The call's time, in milliseconds since `connect()`. Audio is often sent or received faster than
 * real time; the call clock then runs ahead of the wall clock, as if every piece had been spoken in
 * real time, so recorded segments never overlap and each lasts as long as its audio.
 */
export class CallClock {
  private readonly wallClock: () => number;
  private startedAtWallMs: number;
  /** Milliseconds the call clock runs ahead of the wall clock. */
  private aheadOfWallMs = 0;

  constructor(wallClock: () => number) {
    this.wallClock = wallClock;
    this.startedAtWallMs = wallClock();
  }

  /** The wall clock, in milliseconds (only differences matter). */
  wallNowMs(): number {
    return this.wallClock();
  }

  /** Milliseconds since the call started, on the call clock. */
  nowMs(): number {
    return this.wallClock() - this.startedAtWallMs + this.aheadOfWallMs;
  }

  /** Moves the call clock forward to `atMs` when audio has run ahead of the wall clock. */
  advanceTo(atMs: number): void {
    const now = this.nowMs();
    if (atMs > now) this.aheadOfWallMs += atMs - now;
  }

  /** Starts a new call at the current wall time. */
  restart(): void {
    this.startedAtWallMs = this.wallClock();
    this.aheadOfWallMs = 0;
  }
}

/** Resolves after `ms` milliseconds of wall time, without keeping the process alive. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, ms));
    timer.unref?.();
  });
}
