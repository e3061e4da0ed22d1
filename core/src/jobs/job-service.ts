/**
 * Scheduled jobs (service-api.md §2.5, §3.4): `scheduleUpdateTwin` and `scheduleDeviceMethod` over
 * the devices that match a condition. Jobs and their rows are durable; a hub that starts again
 * picks up every unfinished job where it was: done rows stay done, the others run again.
 */
import type { Actor } from '../contracts/change';
import { HubError } from '../errors';
import type { ChangeFeed } from '../feed/change-feed';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { TwinService } from '../twins/twin-service';
import { type InvokeDeviceMethod, runDeviceTask } from './device-task';
import { compareIds, entryFromRequest, entryFromStore, type JobEntry, removeRow } from './job-entry';
import { createJobLifecycle } from './job-lifecycle';
import { type JobListOptions, type JobPage, listJobs } from './job-list';
import type { DeviceJobRow, JobResponse } from './job-model';
import { parseJobRequest } from './job-request';
import { type JobTimers, systemJobTimers } from './job-timers';
import { createJobWriter, type JobWriterOptions } from './job-writer';
import { createSlotPool, DEFAULT_JOB_CONCURRENCY } from './slot-pool';

/** Creates, reads, cancels and lists jobs; runs them in the background. */
export interface JobService {
  /** Creates a job from a `PUT /jobs/v2/{id}` body; resolves once it is durable. */
  create(pathId: string, body: unknown, actor: Actor): Promise<JobResponse>;
  /** The job (JOB_NOT_FOUND when there is none). */
  get(jobId: string): JobResponse;
  /** The job, or undefined. */
  find(jobId: string): JobResponse | undefined;
  /** Cancels an unfinished job: pending rows become `canceled`; a finished job is returned as it is. */
  cancel(jobId: string, actor: Actor): Promise<JobResponse>;
  /** Jobs in jobId order, filtered and paged (`GET /jobs/v2/query`). */
  list(options?: JobListOptions): JobPage;
  /** Every device row, ordered by jobId then deviceId (the `devices.jobs` query source). */
  rows(): Iterable<DeviceJobRow>;
  /** Drops a deleted device's rows from every job (service-api.md §2.1: delete removes its job rows). */
  deviceDeleted(deviceId: string): void;
  /** Writes finished rows that are still batched; resolves once durable. */
  flush(): Promise<void>;
  /** Stops every job (unfinished rows stay pending for the next start) and writes what is batched. */
  close(): Promise<void>;
}

/** Tunables of the job service. */
export interface JobServiceOptions extends JobWriterOptions {
  /** Devices handled at once by all jobs together (default 100). */
  concurrency?: number;
  timers?: JobTimers;
  /**
   * How long a method job that was running (or due) when the hub stopped waits after a start before
   * calling devices again (default 5000 ms): devices reconnect after a hub restart, and calling them
   * at once would only fail them as offline.
   */
  resumeDelayMs?: number;
}

/** What the job service is built from. */
export interface JobServiceDeps {
  feed: ChangeFeed;
  clock: Clock;
  logger: Logger;
  twins: Pick<TwinService, 'patch'>;
  invokeMethod: InvokeDeviceMethod;
  /** Device twin documents to match conditions against (the `devices` query source). */
  twinDocs: () => Iterable<Record<string, unknown>>;
  /** What the store holds (collections `jobs` and `job-devices`). */
  stored?: { jobs?: Map<string, unknown>; rows?: Map<string, unknown> };
}

/** Default wait before a resumed method job calls devices again. */
export const DEFAULT_JOB_RESUME_DELAY_MS = 5_000;

/** Creates the job service and resumes the stored unfinished jobs. */
export function createJobService(deps: JobServiceDeps, options: JobServiceOptions = {}): JobService {
  const { clock, logger } = deps;
  const timers = options.timers ?? systemJobTimers;
  const writer = createJobWriter({ feed: deps.feed, timers, logger }, options);
  const entries = new Map<string, JobEntry>();
  let order: string[] = [];
  let closed = false;
  let closing: Promise<void> | undefined;

  const lifecycle = createJobLifecycle({
    clock,
    timers,
    logger,
    writer,
    slots: createSlotPool(options.concurrency ?? DEFAULT_JOB_CONCURRENCY),
    twinDocs: deps.twinDocs,
    runTask: (work, deviceId) => runDeviceTask(work, deviceId, { ...deps, timers }),
    isClosed: () => closed,
  });

  const view = (entry: JobEntry): JobResponse => ({
    ...entry.doc,
    deviceJobStatistics: { ...entry.doc.deviceJobStatistics },
  });
  const mustGet = (jobId: string): JobEntry => {
    const entry = entries.get(jobId);
    if (!entry) throw new HubError('JOB_NOT_FOUND', `Job ${jobId} does not exist.`, { jobId });
    return entry;
  };

  loadStored(deps, entries, logger);
  order = [...entries.keys()].sort(compareIds);
  const resumeDelay = options.resumeDelayMs ?? DEFAULT_JOB_RESUME_DELAY_MS;
  for (const entry of entries.values()) {
    lifecycle.resume(entry, entry.work.kind === 'method' ? resumeDelay : 0);
  }

  return {
    async create(pathId, body, actor) {
      if (closed) throw new HubError('SERVICE_UNAVAILABLE', 'The hub is stopping.');
      const now = clock.now();
      const request = parseJobRequest(pathId, body, now);
      if (entries.has(request.jobId)) {
        throw new HubError('JOB_ALREADY_EXISTS', `Job ${request.jobId} already exists.`, {
          jobId: request.jobId,
        });
      }
      const entry = entryFromRequest(request, now);
      // Registered before the write, so a second PUT of the same id meanwhile is refused too.
      entries.set(request.jobId, entry);
      order = insertSorted(order, request.jobId);
      try {
        await writer.save(entry.doc, 'jobCreated', actor, view(entry));
      } catch (err) {
        entries.delete(request.jobId);
        order = order.filter((id) => id !== request.jobId);
        throw err;
      }
      const answer = view(entry);
      lifecycle.schedule(entry, 0);
      return answer;
    },
    get: (jobId) => view(mustGet(jobId)),
    find(jobId) {
      const entry = entries.get(jobId);
      return entry ? view(entry) : undefined;
    },
    async cancel(jobId, actor) {
      const entry = mustGet(jobId);
      await lifecycle.cancel(entry, actor);
      return view(entry);
    },
    list(opts) {
      const docs = order.map((id) => entries.get(id)?.doc).filter((d): d is JobResponse => d !== undefined);
      const page = listJobs(docs, opts);
      return { ...page, jobs: page.jobs.map((doc) => view(entries.get(doc.jobId) as JobEntry)) };
    },
    *rows() {
      for (const id of order) {
        const entry = entries.get(id);
        if (entry) yield* entry.rows;
      }
    },
    deviceDeleted(deviceId) {
      for (const entry of entries.values()) {
        if (!removeRow(entry, deviceId)) continue;
        writer.rowDeleted(entry.doc, deviceId);
        // The removed row may have been the last one the job was waiting for.
        lifecycle.settle(entry);
      }
    },
    flush: () => writer.flush(),
    close() {
      // Idempotent: the runtime stops jobs before the gateway, and hub.close() stops them again.
      closing ??= (async () => {
        closed = true;
        for (const entry of entries.values()) lifecycle.stop(entry);
        await writer.close();
      })();
      return closing;
    },
  };
}

/** Reads stored jobs and rows back; an unreadable job is logged and left out rather than stopping the hub. */
function loadStored(deps: JobServiceDeps, entries: Map<string, JobEntry>, logger: Logger): void {
  const rowsByJob = new Map<string, DeviceJobRow[]>();
  for (const raw of deps.stored?.rows?.values() ?? []) {
    const row = raw as DeviceJobRow;
    const list = rowsByJob.get(row.jobId);
    if (list) list.push(row);
    else rowsByJob.set(row.jobId, [row]);
  }
  for (const raw of deps.stored?.jobs?.values() ?? []) {
    const doc = raw as JobResponse;
    try {
      entries.set(doc.jobId, entryFromStore(doc, rowsByJob.get(doc.jobId) ?? []));
    } catch (err) {
      logger.error('a stored job could not be loaded', { jobId: doc.jobId, error: String(err) });
    }
  }
}

function insertSorted(ids: string[], id: string): string[] {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareIds(ids[mid] as string, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return [...ids.slice(0, lo), id, ...ids.slice(lo)];
}
