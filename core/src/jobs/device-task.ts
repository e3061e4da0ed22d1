/**
 * One device of one job: merge the job's twin patch, or call its direct method, and turn the
 * result into a row outcome. Every call ends on its own: a device that never answers is cut off
 * by a guard timer, so it holds its slot for a bounded time and never stalls the rest of the job.
 */
import { type ErrorCode, HubError, isHubError } from '../errors';
import type { MethodResponse } from '../ports/device-link';
import type { TwinService } from '../twins/twin-service';
import type { CloudToDeviceMethod, DeviceJobError } from './job-model';
import type { TwinJobPatch } from './job-request';
import type { JobTimers } from './job-timers';

/** Calls a direct method on a device (the hub's method service, or a fake in tests). */
export type InvokeDeviceMethod = (deviceId: string, method: CloudToDeviceMethod) => Promise<MethodResponse>;

/** What a device task needs. */
export interface DeviceTaskDeps {
  twins: Pick<TwinService, 'patch'>;
  invokeMethod: InvokeDeviceMethod;
  timers: JobTimers;
}

/** What a job does on each device. */
export type DeviceWork =
  | { kind: 'twin'; jobId: string; patch: TwinJobPatch }
  | { kind: 'method'; jobId: string; method: CloudToDeviceMethod };

/** How one device ended; `interrupted` means the hub is stopping and the device must be tried again later. */
export type DeviceTaskResult =
  | { status: 'completed'; response: MethodResponse | null }
  | { status: 'failed'; error: DeviceJobError }
  | { status: 'interrupted' };

// Why: the device link enforces the response timeout itself; this margin only catches a link that
// never settles, so it must be longer than anything the link could legitimately take.
const GUARD_MARGIN_MS = 10_000;

/** IoT Hub error names for the codes a device task can meet; anything else is a ServerError. */
const ROW_ERROR_NAMES: Partial<Record<ErrorCode, string>> = {
  DEVICE_NOT_ONLINE: 'DeviceNotOnline',
  GATEWAY_TIMEOUT: 'GatewayTimeout',
  DEVICE_NOT_FOUND: 'DeviceNotFound',
  MODULE_NOT_FOUND: 'ModuleNotFound',
  PRECONDITION_FAILED: 'PreconditionFailed',
  INVALID_ARGUMENT: 'ArgumentInvalid',
  TWIN_LIMIT_EXCEEDED: 'ArgumentInvalid',
  THROTTLED: 'ThrottlingException',
};

/** Runs the job's work on one device; never rejects. */
export async function runDeviceTask(
  work: DeviceWork,
  deviceId: string,
  deps: DeviceTaskDeps,
): Promise<DeviceTaskResult> {
  try {
    if (work.kind === 'twin') {
      await deps.twins.patch(deviceId, work.patch, '*', { type: 'job', id: work.jobId });
      return { status: 'completed', response: null };
    }
    const response = await withGuard(deps.invokeMethod(deviceId, work.method), work.method, deps.timers);
    return { status: 'completed', response: { status: response.status, payload: response.payload } };
  } catch (err) {
    // The gateway fails calls in flight with SERVICE_UNAVAILABLE when the hub stops: not the device's fault.
    if (isHubError(err, 'SERVICE_UNAVAILABLE')) return { status: 'interrupted' };
    return { status: 'failed', error: rowError(err) };
  }
}

/** The row error for a failure: the IoT Hub error name and the message. */
export function rowError(err: unknown): DeviceJobError {
  if (isHubError(err)) {
    return { code: ROW_ERROR_NAMES[err.code] ?? 'ServerError', description: err.message };
  }
  return { code: 'ServerError', description: 'The hub failed while running the job on this device.' };
}

function withGuard<T>(call: Promise<T>, method: CloudToDeviceMethod, timers: JobTimers): Promise<T> {
  const ms = (method.connectTimeoutInSeconds + method.responseTimeoutInSeconds) * 1000 + GUARD_MARGIN_MS;
  return new Promise<T>((resolve, reject) => {
    const cancel = timers.set(() => {
      const seconds = Math.round(ms / 1000);
      reject(
        new HubError(
          'GATEWAY_TIMEOUT',
          `The device did not answer ${method.methodName} within ${seconds} s.`,
        ),
      );
    }, ms);
    call.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (err: unknown) => {
        cancel();
        reject(err);
      },
    );
  });
}
