/** Timer scheduling for retries and expiry sweeps, injectable so tests fire them by hand. */
export interface C2dTimers {
  /** Calls `fn` after `ms`; returns a cancel function. */
  set(fn: () => void, ms: number): () => void;
}

/** Real timers that never keep the process alive. */
export const systemC2dTimers: C2dTimers = {
  set(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};
