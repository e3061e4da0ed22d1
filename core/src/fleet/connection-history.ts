/**
 * `GET /api/v1/fleet/connections/history`: how many devices were connected over time. The gateway's
 * connection events are facts of the moment, never stored (gateway-events.ts), so the hub samples
 * the count in memory: at every change and every `sampleEveryMs`, kept at that resolution for the
 * last hour and folded into one-minute buckets (min, max, last) for a day. A restart starts over.
 */
import { HubError } from '../errors';
import type { Clock } from '../ports/clock';

/** One point of the series: the count at `at`, and its extremes since the previous point. */
export interface ConnectionPoint {
  /** ISO-8601 UTC time of the point (a bucket's start for minute points). */
  at: string;
  /** Connected devices at the end of the point. */
  connected: number;
  min: number;
  max: number;
}

/** The answer of the history route. */
export interface ConnectionHistory {
  generatedAt: string;
  /** Devices connected now. */
  connected: number;
  windowMinutes: number;
  /** `sample`: every change and tick (the last hour); `minute`: one-minute buckets. */
  resolution: 'sample' | 'minute';
  points: ConnectionPoint[];
}

/** Timers, injectable so tests fire them by hand. */
export interface HistoryTimers {
  /** Calls `fn` every `ms`; returns a cancel function. */
  every(fn: () => void, ms: number): () => void;
}

/** Real timers that never keep the process alive. */
export const systemHistoryTimers: HistoryTimers = {
  every(fn, ms) {
    const timer = setInterval(fn, ms);
    timer.unref?.();
    return () => clearInterval(timer);
  },
};

/** Pacing and bounds of the series. */
export interface ConnectionHistoryOptions {
  /** Period of the regular sample; default 10 s. */
  sampleEveryMs?: number;
  /** How long samples are kept at full resolution; default 1 h. */
  fineWindowMs?: number;
  /** How long minute buckets are kept; default 24 h. */
  coarseWindowMs?: number;
}

/** The connected-device sampler. */
export interface ConnectionSampler {
  /** A device's first connection opened (module connections are not counted). */
  connected(deviceId: string): void;
  /** A device's last connection closed. */
  disconnected(deviceId: string): void;
  /** Devices connected now. */
  current(): number;
  /** The series over the last `windowMinutes` (1 to 1440). */
  history(windowMinutes: number): ConnectionHistory;
  /** Stops the regular sample. */
  close(): void;
}

/** Default and largest window of the route, in minutes. */
export const DEFAULT_HISTORY_MINUTES = 60;
export const MAX_HISTORY_MINUTES = 1440;

const MINUTE = 60_000;
// A reconnect storm must not grow the fine series by one point per device: changes within this
// gap of the last point update that point (its min and max keep the dip or the spike).
const COALESCE_MS = 1000;

/** Creates the sampler; it takes its first sample (0 connected: no connection survives a restart) now. */
export function createConnectionSampler(deps: {
  clock: Clock;
  timers?: HistoryTimers;
  options?: ConnectionHistoryOptions;
}): ConnectionSampler {
  const { clock } = deps;
  const sampleEveryMs = deps.options?.sampleEveryMs ?? 10_000;
  const fineWindowMs = deps.options?.fineWindowMs ?? 60 * MINUTE;
  const coarseWindowMs = deps.options?.coarseWindowMs ?? MAX_HISTORY_MINUTES * MINUTE;
  const ids = new Set<string>();
  // Both series are ordered by time; old points are dropped from the front.
  const fine: { at: number; connected: number; min: number; max: number }[] = [];
  const coarse: { at: number; connected: number; min: number; max: number }[] = [];

  const fold = (at: number, n: number) => {
    const bucket = Math.floor(at / MINUTE) * MINUTE;
    const last = coarse.at(-1);
    if (last && last.at === bucket) {
      last.connected = n;
      last.min = Math.min(last.min, n);
      last.max = Math.max(last.max, n);
    } else {
      coarse.push({ at: bucket, connected: n, min: n, max: n });
    }
    while (coarse.length > 0 && (coarse[0]?.at ?? 0) < at - coarseWindowMs) coarse.shift();
  };

  const sample = (coalesce: boolean) => {
    const at = clock.now();
    const n = ids.size;
    const last = fine.at(-1);
    if (coalesce && last && at - last.at < COALESCE_MS) {
      last.connected = n;
      last.min = Math.min(last.min, n);
      last.max = Math.max(last.max, n);
    } else {
      fine.push({ at, connected: n, min: n, max: n });
    }
    while (fine.length > 0 && (fine[0]?.at ?? 0) < at - fineWindowMs) fine.shift();
    fold(at, n);
  };

  sample(false);
  const stop = (deps.timers ?? systemHistoryTimers).every(() => sample(true), sampleEveryMs);
  const iso = (ms: number) => new Date(ms).toISOString();

  return {
    connected(deviceId) {
      if (ids.has(deviceId)) return;
      ids.add(deviceId);
      sample(true);
    },
    disconnected(deviceId) {
      if (!ids.delete(deviceId)) return;
      sample(true);
    },
    current: () => ids.size,
    history(windowMinutes) {
      const now = clock.now();
      const from = now - windowMinutes * MINUTE;
      const fineCovers = windowMinutes * MINUTE <= fineWindowMs;
      const series = fineCovers ? fine : coarse;
      // Minute buckets are stamped with their start: the one holding `from` still belongs in.
      const first = fineCovers ? from : Math.floor(from / MINUTE) * MINUTE;
      return {
        generatedAt: iso(now),
        connected: ids.size,
        windowMinutes,
        resolution: fineCovers ? 'sample' : 'minute',
        points: series.filter((p) => p.at >= first).map((p) => ({ ...p, at: iso(p.at) })),
      };
    },
    close: stop,
  };
}

/** Parses the `minutes` parameter (1 to 1440, default 60). */
export function parseHistoryMinutes(raw: unknown): number {
  if (raw === undefined || raw === '') return DEFAULT_HISTORY_MINUTES;
  const n = typeof raw === 'string' && /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= 1 && n <= MAX_HISTORY_MINUTES)) {
    throw new HubError(
      'INVALID_ARGUMENT',
      `minutes must be a whole number from 1 to ${MAX_HISTORY_MINUTES}.`,
    );
  }
  return n;
}
