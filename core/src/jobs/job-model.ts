/**
 * The shapes of scheduled jobs (service-api.md §3.4): the JobResponse that `/jobs/v2/*` answers and
 * the per-device rows that `FROM devices.jobs` returns, plus the counters kept beside them.
 * Row timestamps that have not happened yet hold IoT Hub's zero time (NEVER), as identities do.
 */
import { NEVER } from '../contracts/device';

/** The two kinds of scheduled job. */
export type JobType = 'scheduleUpdateTwin' | 'scheduleDeviceMethod';

/** Job statuses: queued → scheduled (start in the future) → running → completed | failed | cancelled. */
export type JobStatus = 'queued' | 'scheduled' | 'running' | 'completed' | 'failed' | 'cancelled';

/** Per-device statuses; note `canceled` with one l, unlike the job's `cancelled` (§3.4). */
export type DeviceJobStatus = 'pending' | 'scheduled' | 'running' | 'completed' | 'failed' | 'canceled';

/** The direct method a `scheduleDeviceMethod` job calls on every device. */
export interface CloudToDeviceMethod {
  methodName: string;
  payload: unknown;
  responseTimeoutInSeconds: number;
  connectTimeoutInSeconds: number;
}

/** Device counts of a job; `deviceCount` is always the sum of the other four. */
export interface DeviceJobStatistics {
  deviceCount: number;
  failedCount: number;
  succeededCount: number;
  runningCount: number;
  pendingCount: number;
}

/** A job as `GET /jobs/v2/{id}` returns it, and as it is stored (collection `jobs`). */
export interface JobResponse {
  jobId: string;
  queryCondition: string;
  createdTime: string;
  startTime: string;
  endTime: string | null;
  maxExecutionTimeInSeconds: number;
  type: JobType;
  status: JobStatus;
  /** The twin patch as given (an `etag` inside it is kept here but ignored when merging). */
  updateTwin?: Record<string, unknown>;
  cloudToDeviceMethod?: CloudToDeviceMethod;
  failureReason: string | null;
  statusMessage: string | null;
  deviceJobStatistics: DeviceJobStatistics;
}

/** What went wrong on one device: an IoT Hub error name and a sentence. */
export interface DeviceJobError {
  code: string;
  description: string;
}

/** One device of one job, as `SELECT * FROM devices.jobs` returns it (collection `job-devices`). */
export interface DeviceJobRow {
  deviceId: string;
  jobId: string;
  jobType: JobType;
  status: DeviceJobStatus;
  startTimeUtc: string;
  endTimeUtc: string;
  createdDateTimeUtc: string;
  lastUpdatedDateTimeUtc: string;
  outcome: { deviceMethodResponse: { status: number; payload: unknown } | null };
  error?: DeviceJobError;
}

/** Store collection of job documents (one per job). */
export const JOBS = 'jobs';
/** Store collection of device rows (one per job and device), so a row update rewrites one small record. */
export const JOB_DEVICES = 'job-devices';

/** The store id of a row: unambiguous whatever characters the job id holds. */
export function rowKey(jobId: string, deviceId: string): string {
  return JSON.stringify([jobId, deviceId]);
}

/** True for a job status that never changes again. */
export function isJobFinished(status: JobStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** True for a row status that never changes again. */
export function isRowFinished(status: DeviceJobStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'canceled';
}

/** A new pending row for `deviceId`, created at `now`. */
export function newRow(job: JobResponse, deviceId: string, now: string): DeviceJobRow {
  return {
    deviceId,
    jobId: job.jobId,
    jobType: job.type,
    status: 'pending',
    startTimeUtc: NEVER,
    endTimeUtc: NEVER,
    createdDateTimeUtc: now,
    lastUpdatedDateTimeUtc: now,
    outcome: { deviceMethodResponse: null },
  };
}

/** All-zero statistics. */
export function emptyStatistics(): DeviceJobStatistics {
  return { deviceCount: 0, failedCount: 0, succeededCount: 0, runningCount: 0, pendingCount: 0 };
}

/**
 * Adds `delta` rows of `status` to the counters. [LOCAL] `canceled` rows count as failed, so the four
 * counters always add up to `deviceCount`.
 */
export function countRow(stats: DeviceJobStatistics, status: DeviceJobStatus, delta: number): void {
  switch (status) {
    case 'pending':
    case 'scheduled':
      stats.pendingCount += delta;
      break;
    case 'running':
      stats.runningCount += delta;
      break;
    case 'completed':
      stats.succeededCount += delta;
      break;
    case 'failed':
    case 'canceled':
      stats.failedCount += delta;
      break;
  }
}

/** Statistics counted afresh from rows (used when a job is loaded back). */
export function statisticsOf(rows: Iterable<DeviceJobRow>): DeviceJobStatistics {
  const stats = emptyStatistics();
  for (const row of rows) {
    stats.deviceCount += 1;
    countRow(stats, row.status, 1);
  }
  return stats;
}
