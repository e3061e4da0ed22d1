/**
 * A shared bound on device calls in flight across every running job: a job takes a slot per device
 * and gives it back when that device is done; jobs waiting for a slot are woken first come, first served.
 */
export interface SlotPool {
  /** Takes a slot if one is free. */
  tryTake(): boolean;
  /** Gives a slot back and wakes the longest-waiting job. */
  release(): void;
  /** Calls `wake` once when a slot is released (at most one pending wake per function). */
  wait(wake: () => void): void;
  /** Forgets a waiting job (it stopped). */
  forget(wake: () => void): void;
  /** Slots in use. */
  inUse(): number;
}

/** Default: devices handled at once by all jobs together. */
export const DEFAULT_JOB_CONCURRENCY = 100;

/** Creates a pool of `limit` slots (at least 1). */
export function createSlotPool(limit: number): SlotPool {
  const size = Math.max(1, Math.trunc(limit));
  let used = 0;
  // A Set keeps insertion order: the first job to wait is the first one woken.
  const waiting = new Set<() => void>();
  return {
    tryTake() {
      if (used >= size) return false;
      used += 1;
      return true;
    },
    release() {
      used = Math.max(0, used - 1);
      const next = waiting.values().next();
      if (next.done) return;
      waiting.delete(next.value);
      next.value();
    },
    wait: (wake) => {
      waiting.add(wake);
    },
    forget: (wake) => {
      waiting.delete(wake);
    },
    inUse: () => used,
  };
}
