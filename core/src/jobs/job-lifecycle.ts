/**
 * The job state machine: queued or scheduled → running → completed, failed (out of time) or
 * cancelled, with each step written through the job writer before the next one depends on it.
 */
import type { Actor } from '../contracts/change';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { DeviceTaskResult, DeviceWork } from './device-task';
import { addRows, conditionOf, type JobEntry, setRowStatus } from './job-entry';
import { type DeviceJobError, isJobFinished, isRowFinished } from './job-model';
import { createJobRunner } from './job-runner';
import { armAt, type JobTimers } from './job-timers';
import type { JobWriter } from './job-writer';
import type { SlotPool } from './slot-pool';

/** Moves jobs through their states. */
export interface JobLifecycle {
  /** Starts the job at its start time, but not before `delayMs` from now. */
  schedule(entry: JobEntry, delayMs: number): void;
  /** Picks up a job loaded from the store. */
  resume(entry: JobEntry, delayMs: number): void;
  /** Cancels an unfinished job; resolves once durable. */
  cancel(entry: JobEntry, actor: Actor): Promise<void>;
  /** Completes a running job whose rows have all finished (after rows were removed). */
  settle(entry: JobEntry): void;
  /** Stops timers and launches (the hub is closing). */
  stop(entry: JobEntry): void;
}

/** What the lifecycle needs. */
export interface JobLifecycleDeps {
  clock: Clock;
  timers: JobTimers;
  logger: Logger;
  writer: JobWriter;
  slots: SlotPool;
  twinDocs: () => Iterable<Record<string, unknown>>;
  runTask(work: DeviceWork, deviceId: string): Promise<DeviceTaskResult>;
  isClosed(): boolean;
}

// Why: rows are written in groups while a job is still queued, so that one journal entry stays small
// even for a 100k-device job; a crash part-way leaves a queued job whose next start adds the rest.
const ROWS_PER_START_WRITE = 1000;

const CANCELLED: DeviceJobError = {
  code: 'JobCancelled',
  description: 'The job was cancelled before this device was run.',
};
const EXPIRED_PENDING: DeviceJobError = {
  code: 'JobExpired',
  description: 'The job reached maxExecutionTimeInSeconds before this device was run.',
};
const EXPIRED_RUNNING: DeviceJobError = {
  code: 'JobExpired',
  description: 'The job reached maxExecutionTimeInSeconds while this device was running.',
};

/** Creates the lifecycle over the writer and the slot pool. */
export function createJobLifecycle(deps: JobLifecycleDeps): JobLifecycle {
  const { clock, timers, logger, writer } = deps;
  const nowIso = () => new Date(clock.now()).toISOString();
  const jobActor = (entry: JobEntry): Actor => ({ type: 'job', id: entry.doc.jobId });
  const report = (entry: JobEntry, step: string) => (err: unknown) => {
    logger.error(`job ${step} failed`, { jobId: entry.doc.jobId, error: String(err) });
  };
  const stopTimers = (entry: JobEntry): void => {
    for (const cancel of entry.timers.splice(0)) cancel();
  };
  /** Runs `fn` after `ms` (on the next microtask for 0), unless the job's timers are stopped first. */
  const later = (entry: JobEntry, ms: number, fn: () => void): void => {
    if (ms > 0) {
      entry.timers.push(timers.set(fn, ms));
      return;
    }
    let cancelled = false;
    entry.timers.push(() => {
      cancelled = true;
    });
    queueMicrotask(() => {
      if (!cancelled && !deps.isClosed()) fn();
    });
  };

  const begin = async (entry: JobEntry): Promise<void> => {
    const { doc } = entry;
    if (deps.isClosed() || (doc.status !== 'queued' && doc.status !== 'scheduled')) return;
    if (clock.now() >= entry.deadlineMs) return expire(entry);
    const condition = conditionOf(entry);
    const matched: string[] = [];
    for (const twin of deps.twinDocs()) if (condition.test(twin)) matched.push(String(twin.deviceId));
    const added = addRows(entry, matched, nowIso());
    for (let i = 0; i < added.length; i += ROWS_PER_START_WRITE) {
      const chunk = added.slice(i, i + ROWS_PER_START_WRITE);
      const patch = { added: chunk.map((r) => r.deviceId) };
      await writer.save(doc, 'jobDevicesUpdated', jobActor(entry), patch, chunk);
      if (deps.isClosed()) return;
    }
    // Cancelled while its rows were being written.
    if (doc.status !== 'queued' && doc.status !== 'scheduled') return;
    doc.status = 'running';
    const stats = { ...doc.deviceJobStatistics };
    await writer.save(doc, 'jobUpdated', jobActor(entry), { status: 'running', deviceJobStatistics: stats });
    run(entry, 0);
  };

  const run = (entry: JobEntry, delayMs: number): void => {
    if (deps.isClosed()) return;
    const runner = createJobRunner({
      rows: entry.rows,
      slots: deps.slots,
      timers,
      run: (row) => {
        setRowStatus(entry, row, { status: 'running' }, nowIso());
        return deps.runTask(entry.work, row.deviceId);
      },
      onResult: (row, result) => record(entry, row.deviceId, result),
      onIdle: () => void finishIfDone(entry).catch(report(entry, 'completion')),
    });
    entry.runner = runner;
    later(entry, delayMs, () => runner.start());
    entry.timers.push(armAt(timers, clock, entry.deadlineMs, () => void expire(entry)));
  };

  const record = (entry: JobEntry, deviceId: string, result: DeviceTaskResult): void => {
    const row = entry.byDevice.get(deviceId);
    // Out of time meanwhile (the row already failed), or the hub is closing: the answer is dropped.
    if (deps.isClosed() || !row || row.status !== 'running') return;
    const now = nowIso();
    if (result.status === 'interrupted') {
      // Still pending in the store: nothing to write, it runs again later.
      setRowStatus(entry, row, { status: 'pending' }, now);
      return;
    }
    if (result.status === 'completed') {
      setRowStatus(entry, row, { status: 'completed', response: result.response }, now);
    } else {
      setRowStatus(entry, row, { status: 'failed', error: result.error }, now);
    }
    writer.rowChanged(entry.doc, row);
  };

  const finishIfDone = async (entry: JobEntry): Promise<void> => {
    const { doc } = entry;
    const stats = doc.deviceJobStatistics;
    if (deps.isClosed() || doc.status !== 'running' || stats.pendingCount + stats.runningCount > 0) return;
    stopTimers(entry);
    doc.status = 'completed';
    doc.endTime = nowIso();
    const patch = { status: doc.status, endTime: doc.endTime, deviceJobStatistics: { ...stats } };
    await writer.save(doc, 'jobUpdated', jobActor(entry), patch);
  };

  const expire = async (entry: JobEntry): Promise<void> => {
    const { doc } = entry;
    if (deps.isClosed() || isJobFinished(doc.status)) return;
    entry.runner?.stop();
    stopTimers(entry);
    const now = nowIso();
    for (const row of entry.rows) {
      if (row.status === 'running')
        setRowStatus(entry, row, { status: 'failed', error: EXPIRED_RUNNING }, now);
      else if (!isRowFinished(row.status)) {
        setRowStatus(entry, row, { status: 'canceled', error: EXPIRED_PENDING }, now);
      } else continue;
      writer.rowChanged(doc, row);
    }
    doc.status = 'failed';
    doc.endTime = now;
    doc.failureReason = `The job did not finish within maxExecutionTimeInSeconds (${doc.maxExecutionTimeInSeconds} s).`;
    const patch = { status: doc.status, failureReason: doc.failureReason, endTime: doc.endTime };
    await writer.save(doc, 'jobUpdated', jobActor(entry), patch).catch(report(entry, 'expiry'));
  };

  const cancelRows = (entry: JobEntry, error: DeviceJobError): void => {
    const now = nowIso();
    for (const row of entry.rows) {
      // Rows in flight finish and report their own outcome.
      if (row.status !== 'pending' && row.status !== 'scheduled') continue;
      setRowStatus(entry, row, { status: 'canceled', error }, now);
      writer.rowChanged(entry.doc, row);
    }
  };

  return {
    schedule(entry, delayMs) {
      const start = () => void begin(entry).catch(report(entry, 'start'));
      const wait = Math.max(entry.startMs - clock.now(), delayMs);
      if (wait > delayMs) entry.timers.push(armAt(timers, clock, entry.startMs, start));
      else later(entry, wait, start);
    },
    resume(entry, delayMs) {
      const { doc } = entry;
      const now = nowIso();
      // Rows are never stored as running: a call in flight when the hub stopped is simply run again.
      for (const row of entry.rows) {
        if (row.status === 'running') setRowStatus(entry, row, { status: 'pending' }, now);
      }
      if (isJobFinished(doc.status)) {
        // Finished while its rows were being written: settle the rest as that end implies.
        cancelRows(entry, doc.status === 'failed' ? EXPIRED_PENDING : CANCELLED);
        return;
      }
      if (doc.status === 'running') run(entry, delayMs);
      else this.schedule(entry, delayMs);
    },
    async cancel(entry, actor) {
      const { doc } = entry;
      if (isJobFinished(doc.status)) return;
      entry.runner?.stop();
      stopTimers(entry);
      doc.status = 'cancelled';
      doc.endTime = nowIso();
      cancelRows(entry, CANCELLED);
      const patch = {
        status: doc.status,
        endTime: doc.endTime,
        deviceJobStatistics: { ...doc.deviceJobStatistics },
      };
      await writer.save(doc, 'jobUpdated', actor, patch);
    },
    settle(entry) {
      void finishIfDone(entry).catch(report(entry, 'completion'));
    },
    stop(entry) {
      entry.runner?.stop();
      stopTimers(entry);
    },
  };
}
