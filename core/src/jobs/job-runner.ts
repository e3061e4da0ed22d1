/**
 * The fan-out of one running job: its pending rows, in device order, each started when the shared
 * slot pool has room. A device that is slow only holds its own slot; the others keep flowing.
 */
import type { DeviceTaskResult } from './device-task';
import type { DeviceJobRow } from './job-model';
import type { JobTimers } from './job-timers';
import type { SlotPool } from './slot-pool';

/** Runs the pending rows of one job. */
export interface JobRunner {
  /** Starts (or continues) launching pending rows. */
  start(): void;
  /** Launches nothing more; calls in flight still report through `onResult` unless the hub closes. */
  stop(): void;
  /** Rows whose call is in flight. */
  inFlight(): number;
}

/** What a runner is built from. */
export interface JobRunnerDeps {
  /** The job's rows; those `pending` when the runner starts (or later re-queued) are run. */
  rows: readonly DeviceJobRow[];
  slots: SlotPool;
  timers: JobTimers;
  /** Marks the row running and runs the job's work on its device; never rejects. */
  run(row: DeviceJobRow): Promise<DeviceTaskResult>;
  /** Records how a row ended (`interrupted` rows are put back to pending by the callee). */
  onResult(row: DeviceJobRow, result: DeviceTaskResult): void;
  /** Called when nothing is queued or in flight any more. */
  onIdle(): void;
}

// Why: an interrupted call means the hub is stopping (the gateway failed its calls); pausing stops this
// job from failing every remaining device as offline while the gateway closes. If the hub does not
// stop after all, the job goes on after this pause.
const PAUSE_AFTER_INTERRUPT_MS = 5_000;

/** Creates the runner of one job. */
export function createJobRunner(deps: JobRunnerDeps): JobRunner {
  const { slots } = deps;
  const queue: DeviceJobRow[] = deps.rows.filter((r) => r.status === 'pending');
  let next = 0;
  let inFlight = 0;
  let stopped = false;
  let paused = false;
  let cancelPause: (() => void) | undefined;

  const idleCheck = (): void => {
    if (inFlight === 0 && (stopped || next >= queue.length)) deps.onIdle();
  };

  const launch = (row: DeviceJobRow): void => {
    inFlight += 1;
    void deps.run(row).then((result) => {
      inFlight -= 1;
      slots.release();
      deps.onResult(row, result);
      if (result.status === 'interrupted') {
        queue.push(row);
        pause();
      }
      pump();
    });
  };

  const pump = (): void => {
    while (!stopped && !paused && next < queue.length) {
      const row = queue[next] as DeviceJobRow;
      // Cancelled, settled or removed (device deleted) since it was queued: nothing to run.
      if (row.status !== 'pending') {
        next += 1;
        continue;
      }
      if (!slots.tryTake()) {
        slots.wait(pump);
        return;
      }
      next += 1;
      launch(row);
    }
    idleCheck();
  };

  const pause = (): void => {
    if (paused || stopped) return;
    paused = true;
    slots.forget(pump);
    cancelPause = deps.timers.set(() => {
      paused = false;
      pump();
    }, PAUSE_AFTER_INTERRUPT_MS);
  };

  return {
    start() {
      if (!stopped) pump();
    },
    stop() {
      stopped = true;
      slots.forget(pump);
      cancelPause?.();
    },
    inFlight: () => inFlight,
  };
}
