import type { Clock } from '../ports/clock';

/** Tunables of the login limiter; the defaults are the hub's. */
export interface LoginLimiterOptions {
  clock: Clock;
  /** Failures of one key that cost nothing; the next attempt waits. Default 5. */
  freeFailures?: number;
  /** The wait after the first failure beyond the free ones; it doubles with each further failure. Default 1 s. */
  baseDelayMs?: number;
  /** The longest wait. Default 5 min. */
  maxDelayMs?: number;
  /** A key whose last failure is this old starts over. Default 15 min. */
  forgetAfterMs?: number;
  /** Keys tracked at most; the stalest are dropped beyond it. Default 10 000. */
  maxKeys?: number;
}

/**
 * Counts failed logins per key (`user:<name>`, `ip:<address>`) and makes further attempts wait
 * with exponential backoff. It never knows whether a user exists: unknown names count the same.
 */
export interface LoginLimiter {
  /** Milliseconds until an attempt on all of `keys` is allowed again; 0 when it is allowed now. */
  retryAfterMs(keys: readonly string[]): number;
  /** Records a failed attempt on each key. */
  fail(keys: readonly string[]): void;
  /** Takes back one failure of each key (an attempt counted up front that then succeeded). */
  forgive(keys: readonly string[]): void;
  /** Forgets the failures of each key (after a successful login). */
  reset(keys: readonly string[]): void;
}

interface KeyState {
  failures: number;
  lastFailureAt: number;
}

/** Creates a login limiter over a clock (a fake one in tests). */
export function createLoginLimiter(options: LoginLimiterOptions): LoginLimiter {
  const free = options.freeFailures ?? 5;
  const base = options.baseDelayMs ?? 1_000;
  // Capped so an attacker hammering a name locks its owner out for minutes, not for days.
  const max = options.maxDelayMs ?? 5 * 60_000;
  const forgetAfter = options.forgetAfterMs ?? 15 * 60_000;
  // Bounded: a spray of random user names must not grow memory without limit.
  const maxKeys = options.maxKeys ?? 10_000;
  // A Map iterates in insertion order; re-inserting on every failure keeps the stalest first.
  const states = new Map<string, KeyState>();

  const live = (key: string, now: number): KeyState | undefined => {
    const state = states.get(key);
    if (state && now - state.lastFailureAt >= forgetAfter) {
      states.delete(key);
      return undefined;
    }
    return state;
  };

  const blockedUntil = (state: KeyState): number => {
    if (state.failures < free) return 0;
    const delay = Math.min(max, base * 2 ** Math.min(state.failures - free, 30));
    return state.lastFailureAt + delay;
  };

  return {
    retryAfterMs(keys) {
      const now = options.clock.now();
      let wait = 0;
      for (const key of keys) {
        const state = live(key, now);
        if (state) wait = Math.max(wait, blockedUntil(state) - now);
      }
      return wait;
    },
    fail(keys) {
      const now = options.clock.now();
      for (const key of keys) {
        const failures = (live(key, now)?.failures ?? 0) + 1;
        states.delete(key);
        states.set(key, { failures, lastFailureAt: now });
      }
      while (states.size > maxKeys) {
        const stalest = states.keys().next().value;
        if (stalest === undefined) break;
        states.delete(stalest);
      }
    },
    forgive(keys) {
      for (const key of keys) {
        const state = states.get(key);
        if (!state) continue;
        if (state.failures <= 1) states.delete(key);
        else state.failures -= 1;
      }
    },
    reset(keys) {
      for (const key of keys) states.delete(key);
    },
  };
}
