// The paced reply loops of the fake voice servers sleep between frames; ending a reply must wake
// its loop at once, so the sleep is kept where the ending code can reach it.

/** A reply in progress, as far as sleeping is concerned: a pending sleep's wake-up and timer. */
export interface Sleeper {
  /** Wakes a pending sleep early (the reply ended). */
  wake?: () => void;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Waits until `clock` reaches `untilMs` unless `isStopped()` turns true first; resolves false when
 * it did. Always yields at least once, so a stop decided on the socket is seen.
 */
export async function sleepUntil(
  sleeper: Sleeper,
  isStopped: () => boolean,
  clock: () => number,
  untilMs: number,
): Promise<boolean> {
  do {
    if (!(await sleep(sleeper, isStopped, untilMs - clock()))) return false;
    // Timers run on the event loop's cached time and may fire a little early: wait out the rest.
  } while (clock() < untilMs);
  return true;
}

function sleep(sleeper: Sleeper, isStopped: () => boolean, ms: number): Promise<boolean> {
  if (isStopped()) return Promise.resolve(false);
  return new Promise((resolve) => {
    sleeper.wake = () => {
      sleeper.wake = undefined;
      sleeper.timer = undefined;
      resolve(!isStopped());
    };
    sleeper.timer = setTimeout(sleeper.wake, Math.max(0, ms));
    sleeper.timer.unref?.();
  });
}
