/**
 * Device operations: `reboot` and `factoryReset` direct methods on one device or, as a
 * scheduleDeviceMethod job, on every device matching a condition. The device reports its progress
 * in its own reported properties (`rebootStatus`, `factoryResetStatus`: {status, startedAt,
 * finishedAt}); nothing is copied into the twin: `view()` joins the last operation with them.
 */
import { randomBytes } from 'node:crypto';
import type { Actor } from '../contracts/change';
import { HubError, isHubError } from '../errors';
import type { ChangeFeed } from '../feed/change-feed';
import type { JobService } from '../jobs/job-service';
import type { MethodService } from '../methods/method-service';
import type { DeviceTable } from '../registry/device-table';
import { isPlainObject } from '../twins/json-merge';

/** The operations, as named in Outpost's URLs. */
export type OperationName = 'reboot' | 'factory-reset';

/** The direct method and reported member of each operation. */
export const OPERATIONS: Readonly<Record<OperationName, { method: string; reported: string }>> = {
  reboot: { method: 'reboot', reported: 'rebootStatus' },
  'factory-reset': { method: 'factoryReset', reported: 'factoryResetStatus' },
};

/** Store collection of the last single-device operation per device. */
export const DEVICE_OPERATIONS = 'device-operations';

/** One invoked operation: what was asked, by whom, and the device's method answer or the error. */
export interface DeviceOperation {
  deviceId: string;
  generationId: string;
  operation: OperationName;
  /** `direct` for one device, else the id of the job that called it. */
  jobId: string | null;
  requestedBy: Actor;
  requestedTime: string;
  /** Job rows not yet run are `pending`; a direct call is recorded once answered. */
  state: 'pending' | 'answered' | 'failed';
  result: { status: number; payload: unknown } | null;
  error: { code: string; message: string } | null;
}

/** `GET /api/v1/devices/{id}/operations`: the last operation and the progress the device reports. */
export interface DeviceOperationView {
  deviceId: string;
  lastOperation: DeviceOperation | null;
  /** failed (method failed or device reported an error) | pending | accepted (answered, no progress yet) | inProgress | done. */
  phase: 'none' | 'failed' | 'pending' | 'accepted' | 'inProgress' | 'done';
  reported: { rebootStatus: unknown; factoryResetStatus: unknown };
}

/** Invokes operations and shows their progress. */
export interface DeviceOperations {
  /** Calls the method on one device and records the outcome; rethrows the invocation error after recording it. */
  invoke(deviceId: string, operation: OperationName, body: unknown, actor: Actor): Promise<DeviceOperation>;
  /** Starts a scheduleDeviceMethod job over the devices matching `query` (a WHERE condition); returns the job id. */
  schedule(operation: OperationName, body: unknown, actor: Actor): Promise<{ jobId: string }>;
  /** The computed view of a device's last operation. */
  view(deviceId: string): DeviceOperationView;
  /** Ids of the devices whose last operation failed (method error, or reported `failed`). */
  failedDeviceIds(): string[];
}

/** Creates the operation service. */
export function createDeviceOperations(deps: {
  table: DeviceTable;
  feed: ChangeFeed;
  methods: Pick<MethodService, 'invoke'>;
  jobs: Pick<JobService, 'create' | 'rows' | 'find'>;
  nowIso: () => string;
  initial?: Iterable<unknown>;
}): DeviceOperations {
  const direct = new Map<string, DeviceOperation>();
  for (const doc of deps.initial ?? []) direct.set((doc as DeviceOperation).deviceId, doc as DeviceOperation);

  const methodBody = (operation: OperationName, body: unknown) => {
    const b = body === undefined ? {} : body;
    if (!isPlainObject(b)) throw new HubError('INVALID_FORMAT', 'The body must be a JSON object.');
    return {
      methodName: OPERATIONS[operation].method,
      payload: b.payload ?? null,
      ...(b.responseTimeoutInSeconds !== undefined
        ? { responseTimeoutInSeconds: b.responseTimeoutInSeconds }
        : {}),
      ...(b.connectTimeoutInSeconds !== undefined
        ? { connectTimeoutInSeconds: b.connectTimeoutInSeconds }
        : {}),
    };
  };

  // One pass over the job rows: the latest reboot/factoryReset row per device (of `only`, when given).
  const fromJobs = (only?: string): Map<string, DeviceOperation> => {
    const latest = new Map<string, DeviceOperation>();
    for (const row of deps.jobs.rows()) {
      if ((only !== undefined && row.deviceId !== only) || row.jobType !== 'scheduleDeviceMethod') continue;
      const name = deps.jobs.find(row.jobId)?.cloudToDeviceMethod?.methodName;
      const operation = (Object.keys(OPERATIONS) as OperationName[]).find(
        (o) => OPERATIONS[o].method === name,
      );
      const prev = latest.get(row.deviceId);
      if (!operation || (prev && prev.requestedTime > row.createdDateTimeUtc)) continue;
      const done = row.status === 'completed' || row.status === 'failed' || row.status === 'canceled';
      const result = row.outcome.deviceMethodResponse;
      const ok = row.status === 'completed' && result !== null && result.status < 300;
      latest.set(row.deviceId, {
        deviceId: row.deviceId,
        generationId: deps.table.get(row.deviceId)?.identity.generationId ?? '',
        operation,
        jobId: row.jobId,
        requestedBy: { type: 'job', id: row.jobId },
        requestedTime: row.createdDateTimeUtc,
        state: !done ? 'pending' : ok ? 'answered' : 'failed',
        result,
        error: row.error ? { code: row.error.code, message: row.error.description } : null,
      });
    }
    return latest;
  };

  const newer = (a: DeviceOperation | undefined, b: DeviceOperation | undefined) =>
    !a ? b : !b ? a : b.requestedTime > a.requestedTime ? b : a;
  const ownOp = (deviceId: string): DeviceOperation | undefined => {
    const own = direct.get(deviceId);
    return own && own.generationId === deps.table.get(deviceId)?.identity.generationId ? own : undefined;
  };

  const last = (deviceId: string): DeviceOperation | null => {
    const op = newer(ownOp(deviceId), fromJobs(deviceId).get(deviceId));
    return op ? structuredClone(op) : null;
  };

  return {
    async invoke(deviceId, operation, body, actor) {
      const rec = deps.table.get(deviceId);
      if (!rec) throw new HubError('DEVICE_NOT_FOUND', `Device ${deviceId} is not registered.`, { deviceId });
      const request = methodBody(operation, body);
      const requestedTime = deps.nowIso();
      let result: DeviceOperation['result'] = null;
      let failure: unknown;
      try {
        result = await deps.methods.invoke(deviceId, undefined, request);
      } catch (err) {
        if (!isHubError(err) || err.code === 'INVALID_ARGUMENT' || err.code === 'DEVICE_NOT_FOUND') throw err;
        failure = err;
      }
      const op: DeviceOperation = {
        deviceId,
        generationId: rec.identity.generationId,
        operation,
        jobId: null,
        requestedBy: actor,
        requestedTime,
        state: result && result.status < 300 ? 'answered' : 'failed',
        result,
        error: isHubError(failure) ? { code: failure.code, message: failure.message } : null,
      };
      direct.set(deviceId, op);
      await deps.feed.append({
        kind: 'deviceOperationInvoked',
        actor,
        id: deviceId,
        patch: {
          operation,
          methodName: request.methodName,
          state: op.state,
          status: result?.status ?? null,
          error: op.error,
        },
        writes: [{ collection: DEVICE_OPERATIONS, id: deviceId, doc: op }],
      });
      if (failure) throw failure;
      return structuredClone(op);
    },

    async schedule(operation, body, actor) {
      if (!isPlainObject(body))
        throw new HubError('INVALID_FORMAT', 'The body must be a JSON object {query}.');
      if (typeof body.query !== 'string' || body.query.trim() === '') {
        throw new HubError(
          'INVALID_ARGUMENT',
          'query must be a WHERE condition (for example "tags.site = \'north\'") or "*".',
        );
      }
      const condition = body.query.trim().replace(/^where\s+/i, '');
      const jobId = `${operation}-${randomBytes(8).toString('hex')}`;
      const { query: _query, ...rest } = body;
      await deps.jobs.create(
        jobId,
        {
          type: 'scheduleDeviceMethod',
          queryCondition: condition,
          cloudToDeviceMethod: methodBody(operation, rest),
        },
        actor,
      );
      return { jobId };
    },

    view(deviceId) {
      const rec = deps.table.get(deviceId);
      if (!rec) throw new HubError('DEVICE_NOT_FOUND', `Device ${deviceId} is not registered.`, { deviceId });
      const reported = rec.twin.reported;
      const op = last(deviceId);
      return {
        deviceId,
        lastOperation: op,
        phase: op ? phaseOf(op, reported[OPERATIONS[op.operation].reported]) : 'none',
        reported: {
          rebootStatus: reported.rebootStatus ?? null,
          factoryResetStatus: reported.factoryResetStatus ?? null,
        },
      };
    },

    failedDeviceIds() {
      const jobs = fromJobs();
      const failed: string[] = [];
      for (const id of deps.table.sortedIds()) {
        const op = newer(ownOp(id), jobs.get(id));
        const rec = deps.table.get(id);
        if (op && rec && phaseOf(op, rec.twin.reported[OPERATIONS[op.operation].reported]) === 'failed')
          failed.push(id);
      }
      return failed;
    },
  };
}

/** The phase of an operation given the progress member the device reports for it. */
function phaseOf(op: DeviceOperation, progress: unknown): DeviceOperationView['phase'] {
  if (op.state !== 'answered') return op.state === 'pending' ? 'pending' : 'failed';
  if (!isPlainObject(progress)) return 'accepted';
  const status = progress.status;
  // Progress older than the request belongs to an earlier operation (1 s of device clock skew allowed).
  const startedAt = typeof progress.startedAt === 'string' ? Date.parse(progress.startedAt) : Number.NaN;
  if (Number.isFinite(startedAt) && startedAt < Date.parse(op.requestedTime) - 1000) return 'accepted';
  if (status === 'done') return 'done';
  if (status === 'failed' || status === 'error') return 'failed';
  return 'inProgress';
}
