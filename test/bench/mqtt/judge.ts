/** How bench:mqtt judges and words its figures: targets, hub/bare ratios, the least disturbed run, stalls. */
import { round } from '../stats';
import type { RunCost } from './devices';

/** A target that is judged: met or missed, never thrown. */
export interface TargetCheck {
  id: string;
  description: string;
  value: number;
  unit: string;
  target: string;
  met: boolean;
}

export function check(
  id: string,
  description: string,
  value: number,
  unit: string,
  op: '>=' | '<=',
  limit: number,
): TargetCheck {
  return {
    id,
    description,
    value: round(value, 3),
    unit,
    target: `${op} ${limit}`,
    met: op === '>=' ? value >= limit : value <= limit,
  };
}

/** hub/bare, rounded (NaN when bare is 0). */
export function ratio(hub: number, bare: number): number {
  return bare > 0 ? round(hub / bare, 3) : Number.NaN;
}

/** The best of several runs by `key` (the least disturbed one); all runs are reported too. */
export function best<T>(runs: T[], key: (r: T) => number, higherIsBetter = true): T {
  return runs.reduce((a, b) => ((higherIsBetter ? key(b) > key(a) : key(b) < key(a)) ? b : a));
}

/** `, gc max M ms (N major), K store checkpoint(s) (T ms)`: what may stall the broker's event loop in a phase. */
export function stallNote(cost: RunCost): string {
  const c = cost.storeCheckpoints;
  const gc = `, gc max ${cost.brokerGc.maxMs} ms (${cost.brokerGc.majorCount} major)`;
  return c && c.count > 0 ? `${gc}, ${c.count} store checkpoint(s) (${c.totalMs} ms)` : gc;
}
