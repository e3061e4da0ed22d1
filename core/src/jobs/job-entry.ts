/**
 * A job as the service holds it in memory: its document, its rows in device order (the order
 * `FROM devices.jobs` returns them), what it does on each device, and the row state machine that
 * keeps the statistics in step.
 */
import { NEVER } from '../contracts/device';
import { HubError } from '../errors';
import type { MethodResponse } from '../ports/device-link';
import { type Condition, parseCondition } from '../query';
import type { DeviceWork } from './device-task';
import {
  countRow,
  type DeviceJobError,
  type DeviceJobRow,
  type DeviceJobStatus,
  emptyStatistics,
  type JobResponse,
  newRow,
  statisticsOf,
} from './job-model';
import { type JobRequest, parseTwinPatch } from './job-request';
import type { JobRunner } from './job-runner';

/** One job in memory. */
export interface JobEntry {
  /** The document answered and stored; mutated in place as the job moves on. */
  doc: JobResponse;
  /** Rows ordered by deviceId. */
  rows: DeviceJobRow[];
  byDevice: Map<string, DeviceJobRow>;
  work: DeviceWork;
  startMs: number;
  /** When `maxExecutionTimeInSeconds` (counted from the start time) runs out. */
  deadlineMs: number;
  runner?: JobRunner;
  /** Cancels the start and deadline timers. */
  timers: (() => void)[];
}

/** The entry of a newly requested job, `queued` or (start in the future) `scheduled`. */
export function entryFromRequest(request: JobRequest, nowMs: number): JobEntry {
  const now = new Date(nowMs).toISOString();
  const doc: JobResponse = {
    jobId: request.jobId,
    queryCondition: request.condition.text,
    createdTime: now,
    startTime: new Date(request.startMs).toISOString(),
    endTime: null,
    maxExecutionTimeInSeconds: request.maxExecutionTimeInSeconds,
    type: request.type,
    status: request.startMs > nowMs ? 'scheduled' : 'queued',
    ...(request.updateTwin ? { updateTwin: request.updateTwin } : {}),
    ...(request.cloudToDeviceMethod ? { cloudToDeviceMethod: request.cloudToDeviceMethod } : {}),
    failureReason: null,
    statusMessage: null,
    deviceJobStatistics: emptyStatistics(),
  };
  return entryOf(doc, []);
}

/** The entry of a stored job and its stored rows (statistics are counted again from the rows). */
export function entryFromStore(doc: JobResponse, rows: DeviceJobRow[]): JobEntry {
  const sorted = [...rows].sort((a, b) => compareIds(a.deviceId, b.deviceId));
  doc.deviceJobStatistics = statisticsOf(sorted);
  return entryOf(doc, sorted);
}

function entryOf(doc: JobResponse, rows: DeviceJobRow[]): JobEntry {
  const startMs = Date.parse(doc.startTime);
  return {
    doc,
    rows,
    byDevice: new Map(rows.map((r) => [r.deviceId, r])),
    work: workOf(doc),
    startMs,
    deadlineMs: startMs + doc.maxExecutionTimeInSeconds * 1000,
    timers: [],
  };
}

/** What the job does on each device, from its document. */
export function workOf(doc: JobResponse): DeviceWork {
  if (doc.type === 'scheduleUpdateTwin') {
    return { kind: 'twin', jobId: doc.jobId, patch: parseTwinPatch(doc.updateTwin ?? {}) };
  }
  if (!doc.cloudToDeviceMethod) throw new HubError('INTERNAL', `Job ${doc.jobId} has no method.`);
  return { kind: 'method', jobId: doc.jobId, method: doc.cloudToDeviceMethod };
}

/** The job's condition, parsed again (conditions are stored as text). */
export function conditionOf(entry: JobEntry): Condition {
  return parseCondition(entry.doc.queryCondition);
}

/** Ordinal order, as the query source sorts ids (query-language.md §3 "Order"). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Adds pending rows for the devices that have none yet; returns the new rows. */
export function addRows(entry: JobEntry, deviceIds: Iterable<string>, now: string): DeviceJobRow[] {
  const added: DeviceJobRow[] = [];
  for (const deviceId of deviceIds) {
    if (entry.byDevice.has(deviceId)) continue;
    const row = newRow(entry.doc, deviceId, now);
    entry.byDevice.set(deviceId, row);
    added.push(row);
    entry.doc.deviceJobStatistics.deviceCount += 1;
    countRow(entry.doc.deviceJobStatistics, 'pending', 1);
  }
  if (added.length > 0) {
    entry.rows.push(...added);
    entry.rows.sort((a, b) => compareIds(a.deviceId, b.deviceId));
  }
  return added;
}

/** What a row moves to. */
export type RowChange =
  | { status: 'running' | 'pending' }
  | { status: 'completed'; response: MethodResponse | null }
  | { status: 'failed' | 'canceled'; error: DeviceJobError };

/** Moves a row to a new status, with its timestamps, outcome or error, and updates the statistics. */
export function setRowStatus(entry: JobEntry, row: DeviceJobRow, change: RowChange, now: string): void {
  const stats = entry.doc.deviceJobStatistics;
  countRow(stats, row.status, -1);
  countRow(stats, change.status as DeviceJobStatus, 1);
  row.status = change.status;
  row.lastUpdatedDateTimeUtc = now;
  switch (change.status) {
    case 'running':
      row.startTimeUtc = now;
      break;
    case 'pending':
      row.startTimeUtc = NEVER;
      break;
    case 'completed':
      row.endTimeUtc = now;
      row.outcome = { deviceMethodResponse: change.response };
      delete row.error;
      break;
    default:
      row.endTimeUtc = now;
      row.error = change.error;
  }
}

/** Takes a deleted device's row out of the job and its statistics; returns whether there was one. */
export function removeRow(entry: JobEntry, deviceId: string): boolean {
  const row = entry.byDevice.get(deviceId);
  if (!row) return false;
  const stats = entry.doc.deviceJobStatistics;
  countRow(stats, row.status, -1);
  stats.deviceCount -= 1;
  entry.byDevice.delete(deviceId);
  entry.rows.splice(entry.rows.indexOf(row), 1);
  // A queued runner skips rows that are not pending, and an answer for a removed row finds no row.
  if (row.status === 'pending') row.status = 'canceled';
  return true;
}
