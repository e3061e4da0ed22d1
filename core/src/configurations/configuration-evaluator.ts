/**
 * Brings twins in line with the configurations: event-driven for the twins that changed,
 * batched so that a burst (a 10k-device import) makes one pass rather than one per change,
 * plus a full pass when a configuration changes and on a periodic timer.
 */
import type { Actor } from '../contracts/change';
import type { ChangeFeed } from '../feed/change-feed';
import type { Logger } from '../ports/logger';
import { canonicalJson } from '../query/values';
import { DEVICES, type DeviceRecord } from '../registry/device-record';
import type { DeviceTable } from '../registry/device-table';
import type { TwinService } from '../twins/twin-service';
import { type ActiveConfiguration, planTwin, type TwinMarkers } from './twin-plan';

/** Timer scheduling, injectable so tests control it. */
export interface EvaluationTimers {
  /** Calls `fn` after `ms`; returns a cancel function. */
  set(fn: () => void, ms: number): () => void;
}

/** Real timers that never keep the process alive. */
export const systemEvaluationTimers: EvaluationTimers = {
  set(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};

/** How evaluation is paced. */
export interface EvaluationOptions {
  /** How long changes gather before a pass starts; default 200 ms. */
  debounceMs?: number;
  /** The period of the full re-evaluation; default 5 minutes, Azure's own cadence [LOCAL]. */
  intervalMs?: number;
  timers?: EvaluationTimers;
}

/** Counters, for diagnostics and tests. */
export interface EvaluationStats {
  /** Passes run (each over a batch of twins, or over all of them). */
  passes: number;
  twinsEvaluated: number;
  desiredWrites: number;
  markerWrites: number;
  failures: number;
}

/** The evaluation loop. */
export interface ConfigurationEvaluator {
  /** Marks one twin for the next pass. */
  twinChanged(deviceId: string): void;
  /** Marks every twin for the next pass (a configuration changed). */
  everythingChanged(): void;
  /** Runs what is pending now; resolves when nothing is pending or running. */
  flush(): Promise<void>;
  stats(): EvaluationStats;
  /** Stops the timers and waits for a running pass to end. */
  close(): Promise<void>;
}

/** The actor of every write a configuration makes; its desired writes must not re-trigger evaluation. */
export function configurationActor(id: string): Actor {
  return { type: 'system', id: `configuration:${id}` };
}

/** True for a change made by the configuration evaluator. */
export function isConfigurationActor(actor: Actor): boolean {
  return actor.type === 'system' && actor.id.startsWith('configuration:');
}

// Why: twins of one chunk are written concurrently so the store can group-commit them; a bound keeps
// a 10k-twin pass from holding 10k pending commits at once.
const CHUNK = 256;
const DEFAULT_DEBOUNCE_MS = 200;
const DEFAULT_INTERVAL_MS = 5 * 60_000;

/** Creates the evaluator; `active` returns the configurations in precedence order. */
export function createConfigurationEvaluator(deps: {
  table: DeviceTable;
  feed: ChangeFeed;
  twins: TwinService;
  logger: Logger;
  active: () => readonly ActiveConfiguration[];
  /** Called after each pass; `full` when it covered every twin. */
  onPass?: (full: boolean) => void;
  options?: EvaluationOptions;
}): ConfigurationEvaluator {
  const { table, feed, twins, logger } = deps;
  const timers = deps.options?.timers ?? systemEvaluationTimers;
  const debounceMs = deps.options?.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const intervalMs = deps.options?.intervalMs ?? DEFAULT_INTERVAL_MS;
  const stats: EvaluationStats = {
    passes: 0,
    twinsEvaluated: 0,
    desiredWrites: 0,
    markerWrites: 0,
    failures: 0,
  };
  let dirty = new Set<string>();
  let full = false;
  let closed = false;
  let running: Promise<void> | undefined;
  let cancelDebounce: (() => void) | undefined;
  let cancelPeriodic: (() => void) | undefined;

  const writeMarkers = async (id: string, markers: TwinMarkers, actor: Actor) => {
    const cur = table.get(id);
    if (!cur) return;
    const before = cur.twin.configurations ?? {};
    if (canonicalJson(before) === canonicalJson(markers)) return;
    const twin = { ...cur.twin };
    if (Object.keys(markers).length) twin.configurations = markers;
    else delete twin.configurations;
    const next: DeviceRecord = { identity: cur.identity, twin };
    table.set(next);
    const patch = Object.fromEntries([
      ...Object.entries(markers).map(([k, v]) => [k, { status: v.status }]),
      ...Object.keys(before)
        .filter((k) => !Object.hasOwn(markers, k))
        .map((k) => [k, null]),
    ]);
    stats.markerWrites++;
    await feed.append({
      kind: 'twinConfigurationsChanged',
      actor,
      id,
      patch: { configurations: patch },
      writes: [{ collection: DEVICES, id, doc: next }],
    });
  };

  const evaluateTwin = async (id: string, configs: readonly ActiveConfiguration[]) => {
    const rec = table.get(id);
    const doc = table.twin(id);
    if (!rec || !doc) return;
    stats.twinsEvaluated++;
    const twinDoc = doc as unknown as Record<string, unknown>;
    const matching = configs.filter((c) => c.matches(twinDoc));
    const plan = planTwin({ desired: rec.twin.desired, previous: rec.twin.configurations, matching });
    const actor = configurationActor(plan.actorId ?? '*');
    try {
      if (plan.desiredPatch) {
        // Through the twin service, like any desired write: versions, metadata and the
        // twinDesiredChanged change that carries the patch to connected devices.
        await twins.patch(id, { properties: { desired: plan.desiredPatch } }, '*', actor);
        stats.desiredWrites++;
      }
      await writeMarkers(id, plan.markers, actor);
    } catch (err) {
      // A twin that cannot take the content (its desired section would break a limit, or it was
      // just deleted) keeps its markers; the next pass tries again.
      stats.failures++;
      logger.warn('configuration evaluation failed', { deviceId: id, error: String(err) });
    }
  };

  const pass = async () => {
    while (!closed && (full || dirty.size)) {
      const wasFull = full;
      const ids = full ? [...table.sortedIds()] : [...dirty];
      full = false;
      dirty = new Set();
      const configs = deps.active();
      stats.passes++;
      for (let i = 0; i < ids.length && !closed; i += CHUNK) {
        await Promise.all(ids.slice(i, i + CHUNK).map((id) => evaluateTwin(id, configs)));
      }
      try {
        deps.onPass?.(wasFull);
      } catch (err) {
        logger.error('configuration metrics failed', { error: String(err) });
      }
    }
  };

  const start = () => {
    cancelDebounce?.();
    cancelDebounce = undefined;
    if (running || closed) return;
    running = pass().finally(() => {
      running = undefined;
      if (full || dirty.size) schedule();
    });
  };

  // Changes arriving during a pass are taken by the pass's next round, so no timer is needed then.
  const schedule = () => {
    if (closed || running || cancelDebounce) return;
    cancelDebounce = timers.set(start, debounceMs);
  };

  const periodic = () => {
    cancelPeriodic = timers.set(() => {
      full = true;
      schedule();
      periodic();
    }, intervalMs);
  };
  periodic();

  return {
    twinChanged(id) {
      dirty.add(id);
      schedule();
    },
    everythingChanged() {
      full = true;
      schedule();
    },
    async flush() {
      for (;;) {
        if (running) {
          await running;
          continue;
        }
        if (closed || (!full && !dirty.size)) return;
        start();
      }
    },
    stats: () => ({ ...stats }),
    async close() {
      closed = true;
      cancelDebounce?.();
      cancelPeriodic?.();
      await running;
    },
  };
}
