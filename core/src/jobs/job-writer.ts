/**
 * Durable writes of jobs and their device rows. Every write is a change-feed entry whose record
 * writes carry the job document and the rows that changed. Row outcomes are batched: a 10k-device
 * job writes a few dozen entries of up to `flushRows` small row records, not one entry (or one
 * rewrite of a 10k-row document) per device.
 */
import type { Actor, ChangeKind } from '../contracts/change';
import type { ChangeFeed } from '../feed/change-feed';
import type { Logger } from '../ports/logger';
import type { RecordWrite } from '../ports/store';
import { type DeviceJobRow, JOB_DEVICES, JOBS, type JobResponse, rowKey } from './job-model';
import type { JobTimers } from './job-timers';

/** Batches row writes and writes job documents. */
export interface JobWriter {
  /** Queues a changed row; it is written with its job's next batch. */
  rowChanged(job: JobResponse, row: DeviceJobRow): void;
  /** Queues the deletion of a device's row (the device was deleted). */
  rowDeleted(job: JobResponse, deviceId: string): void;
  /** Writes the job document, `rows` and the job's queued rows as one change; resolves once durable. */
  save(
    job: JobResponse,
    kind: ChangeKind,
    actor: Actor,
    patch: unknown,
    rows?: DeviceJobRow[],
  ): Promise<void>;
  /** Writes every queued row now; resolves once durable. */
  flush(): Promise<void>;
  /** Flushes, then drops any later change (the store is about to close). */
  close(): Promise<void>;
}

/** How row writes are batched. */
export interface JobWriterOptions {
  /** Longest a finished row waits before it is written (default 200 ms). */
  flushMs?: number;
  /** Queued rows that trigger a write at once (default 500). */
  flushRows?: number;
}

/** Default batching: a crash loses at most this much finished work, which is then run again. */
export const DEFAULT_JOB_FLUSH_MS = 200;
/** Default rows per batch: small enough for one journal entry, big enough to keep writes rare. */
export const DEFAULT_JOB_FLUSH_ROWS = 500;

interface Pending {
  job: JobResponse;
  /** deviceId → the row to write, or null to delete it. */
  rows: Map<string, DeviceJobRow | null>;
}

type RowWrite = [deviceId: string, row: DeviceJobRow | null];

/** Creates the writer over the hub's change feed. */
export function createJobWriter(
  deps: { feed: ChangeFeed; timers: JobTimers; logger: Logger },
  options: JobWriterOptions = {},
): JobWriter {
  const { feed, timers, logger } = deps;
  const flushMs = options.flushMs ?? DEFAULT_JOB_FLUSH_MS;
  const flushRows = options.flushRows ?? DEFAULT_JOB_FLUSH_ROWS;
  const pending = new Map<string, Pending>();
  let queued = 0;
  let cancelTimer: (() => void) | undefined;
  let closed = false;

  const take = (jobId: string): RowWrite[] => {
    const entry = pending.get(jobId);
    if (!entry) return [];
    pending.delete(jobId);
    queued -= entry.rows.size;
    return [...entry.rows];
  };

  const append = (job: JobResponse, kind: ChangeKind, actor: Actor, patch: unknown, rows: RowWrite[]) => {
    const writes: RecordWrite[] = [{ collection: JOBS, id: job.jobId, doc: job }];
    for (const [deviceId, row] of rows) {
      writes.push({ collection: JOB_DEVICES, id: rowKey(job.jobId, deviceId), doc: row });
    }
    // The feed serialises documents when it is called, so later changes to these objects stay out.
    return feed.append({ kind, actor, id: job.jobId, patch, writes });
  };

  const writeRows = async (jobId: string): Promise<void> => {
    const job = pending.get(jobId)?.job;
    const rows = take(jobId);
    if (!job || rows.length === 0) return;
    const patch = {
      rows: rows.map(([deviceId, row]) => ({ deviceId, status: row?.status ?? 'deleted' })),
      deviceJobStatistics: { ...job.deviceJobStatistics },
    };
    try {
      await append(job, 'jobDevicesUpdated', { type: 'job', id: jobId }, patch, rows);
    } catch (err) {
      logger.error('writing job rows failed', { jobId, rows: rows.length, error: String(err) });
      // Kept for the next batch: a later write of the same row holds its newest state anyway.
      if (!closed) for (const write of rows) requeue(job, write);
    }
  };

  const flushAll = async (): Promise<void> => {
    cancelTimer?.();
    cancelTimer = undefined;
    await Promise.all([...pending.keys()].map(writeRows));
  };

  const queue = (job: JobResponse, deviceId: string, row: DeviceJobRow | null): void => {
    if (closed) return;
    let entry = pending.get(job.jobId);
    if (!entry) {
      entry = { job, rows: new Map() };
      pending.set(job.jobId, entry);
    }
    if (!entry.rows.has(deviceId)) queued += 1;
    entry.rows.set(deviceId, row);
    if (queued >= flushRows) void flushAll();
    else cancelTimer ??= timers.set(() => void flushAll(), flushMs);
  };
  /** Puts a failed write back unless something newer for the row is queued meanwhile. */
  const requeue = (job: JobResponse, [deviceId, row]: RowWrite): void => {
    if (!pending.get(job.jobId)?.rows.has(deviceId)) queue(job, deviceId, row);
  };

  const writer: JobWriter = {
    rowChanged: (job, row) => queue(job, row.deviceId, row),
    rowDeleted: (job, deviceId) => queue(job, deviceId, null),
    async save(job, kind, actor, patch, rows = []) {
      if (closed) return;
      const queuedRows = take(job.jobId);
      const given = rows.map((row): RowWrite => [row.deviceId, row]);
      try {
        await append(job, kind, actor, patch, [...given, ...queuedRows]);
      } catch (err) {
        for (const write of queuedRows) requeue(job, write);
        throw err;
      }
    },
    flush: flushAll,
    async close() {
      await flushAll();
      closed = true;
    },
  };
  return writer;
}
