import type { Clock } from '../ports/clock';

/** Timer scheduling for job starts, deadlines, call guards and write batching; tests inject fake ones. */
export interface JobTimers {
  /** Calls `fn` after `ms`; returns a cancel function. */
  set(fn: () => void, ms: number): () => void;
}

/** Real timers that never keep the process alive on their own. */
export const systemJobTimers: JobTimers = {
  set(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};

// Why: setTimeout fires at once for delays above 2^31-1 ms (24.8 days), so far targets are reached in hops.
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Calls `fn` once the clock reaches `atMs` (re-arming if a timer fires early); returns a cancel function. */
export function armAt(timers: JobTimers, clock: Clock, atMs: number, fn: () => void): () => void {
  let cancel: (() => void) | undefined;
  let cancelled = false;
  const arm = (): void => {
    const wait = atMs - clock.now();
    if (wait <= 0) {
      fn();
      return;
    }
    cancel = timers.set(
      () => {
        if (!cancelled) arm();
      },
      Math.min(wait, MAX_DELAY_MS),
    );
  };
  arm();
  return () => {
    cancelled = true;
    cancel?.();
  };
}
