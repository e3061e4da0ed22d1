import type { Clock } from '../ports/clock';

/** A hybrid logical clock: wall time that never runs backwards, with a counter for ties. */
export interface Hlc {
  /** A new timestamp for a local event, greater than every one issued or observed before. */
  now(): string;
  /** Moves the clock past a timestamp seen from another hub. */
  observe(remote: string): void;
}

// Fixed-width fields make the string form sort in causal order without parsing.
const PHYSICAL_WIDTH = 15;
const COUNTER_WIDTH = 6;

/** Formats an HLC timestamp as `<ms, 15 digits>-<counter, 6 digits>-<hubId>`. */
export function formatHlc(physical: number, counter: number, hubId: string): string {
  return `${String(physical).padStart(PHYSICAL_WIDTH, '0')}-${String(counter).padStart(COUNTER_WIDTH, '0')}-${hubId}`;
}

/** Splits an HLC string into its parts; throws on a malformed one. */
export function parseHlc(value: string): { physical: number; counter: number; hubId: string } {
  const m = /^(\d{15})-(\d{6})-(.+)$/.exec(value);
  if (!m) throw new Error(`malformed HLC timestamp '${value}'`);
  return { physical: Number(m[1]), counter: Number(m[2]), hubId: m[3]! };
}

/** Creates an HLC for `hubId`, starting after `last` (the newest timestamp already stored). */
export function createHlc(clock: Clock, hubId: string, last?: string): Hlc {
  let physical = 0;
  let counter = 0;
  if (last) ({ physical, counter } = parseHlc(last));
  const advance = (remotePhysical: number, remoteCounter: number): void => {
    const wall = clock.now();
    const max = Math.max(wall, physical, remotePhysical);
    if (max === physical && max === remotePhysical) counter = Math.max(counter, remoteCounter) + 1;
    else if (max === physical) counter += 1;
    else if (max === remotePhysical) counter = remoteCounter + 1;
    else counter = 0;
    physical = max;
  };
  return {
    now() {
      advance(0, 0);
      return formatHlc(physical, counter, hubId);
    },
    observe(remote) {
      const r = parseHlc(remote);
      advance(r.physical, r.counter);
    },
  };
}
