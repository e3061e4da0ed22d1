/**
 * The body of `PUT /jobs/v2/{id}` (service-api.md §2.5), validated once at the boundary: the id,
 * type, condition, times and the twin patch or method the job applies to every device.
 */
import { HubError } from '../errors';
import { parseMethodInvocation } from '../methods/method-request';
import { type Condition, parseCondition } from '../query';
import { applyMergePatch, isPlainObject } from '../twins/json-merge';
import { checkSection, validatePatchShape } from '../twins/limits';
import type { CloudToDeviceMethod, JobType } from './job-model';

/** A validated job request. */
export interface JobRequest {
  jobId: string;
  type: JobType;
  condition: Condition;
  /** When the job may start, ms since the epoch (the request time when `startTime` was null). */
  startMs: number;
  maxExecutionTimeInSeconds: number;
  /** `updateTwin` as given, echoed back in the JobResponse. */
  updateTwin?: Record<string, unknown>;
  /** The patch each twin gets: only `tags` and `properties.desired` (etag and the rest are ignored). */
  twinPatch?: TwinJobPatch;
  cloudToDeviceMethod?: CloudToDeviceMethod;
}

/** The part of `updateTwin` that is merged into each twin. */
export interface TwinJobPatch {
  tags?: Record<string, unknown>;
  properties?: { desired: Record<string, unknown> };
}

/** Used when `maxExecutionTimeInSeconds` is absent ([LOCAL]: the callback form of the SDK sends 3600). */
export const DEFAULT_MAX_EXECUTION_SECONDS = 3600;
/** Longest job id ([LOCAL]: IoT Hub documents no figure; 128 like device ids). */
export const MAX_JOB_ID_LENGTH = 128;

const JOB_TYPES: readonly JobType[] = ['scheduleUpdateTwin', 'scheduleDeviceMethod'];

const invalid = (message: string) => new HubError('INVALID_ARGUMENT', message);

/** Validates a job id given as a string or, as the SDK allows, a JSON number; returns it as a string. */
export function parseJobId(value: unknown): string {
  const id = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof id !== 'string' || id === '') throw invalid('jobId must be a non-empty string or a number.');
  if (id.length > MAX_JOB_ID_LENGTH) throw invalid(`jobId is longer than ${MAX_JOB_ID_LENGTH} characters.`);
  // Why: control characters cannot travel in the unencoded getJob/cancelJob paths the SDK builds.
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) throw invalid('jobId contains a control character.');
  }
  return id;
}

/** Parses a job request for the id in the path; `nowMs` stands in for a null or absent start time. */
export function parseJobRequest(pathId: string, body: unknown, nowMs: number): JobRequest {
  if (!isPlainObject(body)) throw new HubError('INVALID_FORMAT', 'The body must be a JSON object.');
  const jobId = parseJobId(pathId);
  if (body.jobId !== undefined && body.jobId !== null && parseJobId(body.jobId) !== jobId) {
    throw invalid(`The body jobId ${String(body.jobId)} differs from the path ${jobId}.`);
  }
  const type = body.type;
  if (typeof type !== 'string' || !JOB_TYPES.includes(type as JobType)) {
    throw invalid(`type must be one of ${JOB_TYPES.join(', ')}.`);
  }
  if (typeof body.queryCondition !== 'string' || body.queryCondition.trim() === '') {
    throw invalid('queryCondition must be a WHERE expression (without WHERE) or "*".');
  }
  const request: JobRequest = {
    jobId,
    type: type as JobType,
    condition: parseCondition(body.queryCondition),
    startMs: parseStart(body.startTime, nowMs),
    maxExecutionTimeInSeconds: parseMaxSeconds(body.maxExecutionTimeInSeconds),
  };
  if (request.type === 'scheduleUpdateTwin') {
    const updateTwin = validatePatchShape(body.updateTwin, 'updateTwin');
    request.updateTwin = updateTwin;
    request.twinPatch = parseTwinPatch(updateTwin);
  } else {
    if (!isPlainObject(body.cloudToDeviceMethod)) {
      throw invalid('cloudToDeviceMethod must be {methodName, payload, responseTimeoutInSeconds}.');
    }
    request.cloudToDeviceMethod = parseMethodInvocation(body.cloudToDeviceMethod);
  }
  return request;
}

function parseStart(value: unknown, nowMs: number): number {
  // The promise form of the SDK sends null for "now" (service-api.md §2.5).
  if (value === undefined || value === null) return nowMs;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw invalid('startTime must be an ISO-8601 date and time, or null.');
  // A start in the past means "now": the job runs at once.
  return Math.max(ms, nowMs);
}

function parseMaxSeconds(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_MAX_EXECUTION_SECONDS;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid('maxExecutionTimeInSeconds must be a positive whole number of seconds.');
  }
  return value;
}

/** Keeps tags and desired properties; `etag` ("*" per the docs) and read-only fields are ignored. */
export function parseTwinPatch(updateTwin: Record<string, unknown>): TwinJobPatch {
  const patch: TwinJobPatch = {};
  if (updateTwin.tags !== undefined && updateTwin.tags !== null) {
    const tags = validatePatchShape(updateTwin.tags, 'updateTwin.tags');
    checkSection('tags', applyMergePatch({}, tags));
    patch.tags = tags;
  }
  const properties = updateTwin.properties;
  if (properties !== undefined && properties !== null) {
    if (!isPlainObject(properties)) throw invalid('updateTwin.properties must be a JSON object.');
    const reported = properties.reported;
    // Why: typed service SDKs serialise an empty `reported` section; only real content is refused.
    if (reported !== undefined && reported !== null && !(isPlainObject(reported) && isEmpty(reported))) {
      throw invalid('A job cannot write reported properties: only devices report.');
    }
    if (properties.desired !== undefined && properties.desired !== null) {
      const desired = validatePatchShape(properties.desired, 'updateTwin.properties.desired');
      checkSection('desired', applyMergePatch({}, desired));
      patch.properties = { desired };
    }
  }
  if (!patch.tags && !patch.properties) {
    throw invalid('updateTwin must carry tags or properties.desired to apply.');
  }
  return patch;
}

function isEmpty(obj: Record<string, unknown>): boolean {
  for (const _ in obj) return false;
  return true;
}
