import type { Clock } from '@outpost/core';

/** A clock tests move by hand. */
export interface FakeClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

/** Creates a fake clock starting at `start` ms since the epoch. */
export function createFakeClock(start: number): FakeClock {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
