/** Scheduled jobs over the connected fleet: `PUT /jobs/v2/{id}` (method or twin update) until `completed`, with the devices' side counted. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BrokerChild } from '../mqtt/children';
import { round } from '../stats';
import { fanoutPayload } from './bare-fanout';
import type { FleetDevice } from './fleet';
import { ridOf } from './fleet';
import type { RestClient } from './http-load';

/** IoT Hub S3: job device operations per second per unit (Azure IoT Hub quotas and throttling). */
export const IOT_HUB_S3_JOB_OPS_PER_SEC_PER_UNIT = 50;

/** What the devices saw during one job (reset before each job). */
export interface DeviceSide {
  methodRequests: number;
  desiredPatches: number;
  /** ms after the job's PUT of the last method request / desired patch a device received. */
  lastMethodAt: number;
  lastDesiredAt: number;
  /** `performance.now()` at the job's PUT. */
  t0: number;
  /** The `benchJob.seq` a desired patch must carry to count. */
  desiredSeq: number;
}

/** A fresh device-side counter. */
export function createDeviceSide(): DeviceSide {
  return { methodRequests: 0, desiredPatches: 0, lastMethodAt: 0, lastDesiredAt: 0, t0: 0, desiredSeq: -1 };
}

/** A device as the SDK sees the hub: answers every direct method at once (200, request body) and applies desired patches. */
export function hubDeviceSetup(side: DeviceSide): (device: FleetDevice) => Promise<void> {
  return async (device) => {
    device.client.on('message', (topic, payload) => {
      if (topic.startsWith('$iothub/methods/POST/')) {
        side.methodRequests++;
        side.lastMethodAt = performance.now() - side.t0;
        const rid = ridOf(topic);
        if (rid !== undefined)
          device.client.publish(`$iothub/methods/res/200/?$rid=${rid}`, payload, { qos: 0 });
      } else if (topic.startsWith('$iothub/twin/PATCH/properties/desired/')) {
        const patch = JSON.parse(payload.toString('utf8')) as { benchJob?: { seq?: number } };
        if (patch.benchJob?.seq === side.desiredSeq) {
          side.desiredPatches++;
          side.lastDesiredAt = performance.now() - side.t0;
        }
      }
    });
    // One filter per SUBSCRIBE, as the SDK does.
    await device.client.subscribeAsync('$iothub/methods/POST/#', { qos: 0 });
    await device.client.subscribeAsync('$iothub/twin/PATCH/properties/desired/#', { qos: 0 });
  };
}

/** The job body of one kind, targeting every device (`queryCondition: "*"`). */
export function jobBody(jobId: string, kind: 'method' | 'twin', seq: number): Record<string, unknown> {
  const common = { jobId, startTime: null, maxExecutionTimeInSeconds: 3600, queryCondition: '*' };
  return kind === 'method'
    ? {
        ...common,
        type: 'scheduleDeviceMethod',
        cloudToDeviceMethod: {
          methodName: 'bench',
          payload: fanoutPayload(seq),
          responseTimeoutInSeconds: 30,
        },
      }
    : {
        ...common,
        type: 'scheduleUpdateTwin',
        updateTwin: { properties: { desired: { benchJob: { seq } } }, etag: '*' },
      };
}

/** The JobResponse fields the bench reads. */
interface JobState {
  status: string;
  createdTime: string;
  startTime: string;
  endTime: string | null;
  failureReason: string | null;
  deviceJobStatistics: {
    deviceCount: number;
    failedCount: number;
    succeededCount: number;
    runningCount: number;
    pendingCount: number;
  };
}

/** One job run. */
export interface JobRun {
  kind: 'scheduleDeviceMethod' | 'scheduleUpdateTwin';
  jobId: string;
  status: string;
  failureReason: string | null;
  deviceCount: number;
  succeeded: number;
  failed: number;
  /** PUT sent → the first GET that saw `completed` (polled every `pollMs`). */
  putToCompletedMs: number;
  /** The hub's own createdTime → endTime. */
  hubCreatedToEndMs: number;
  putResponseMs: number;
  deviceOpsPerSec: number;
  /** This rate / 50 ops/s: how many IoT Hub S3 units it equals. */
  iotHubS3UnitsEquivalent: number;
  /** How long one IoT Hub S3 unit (50 ops/s) would take for the same device count, s. */
  iotHubS3OneUnitSeconds: number;
  /** Progress about once a second: ms since the PUT, and succeeded + failed devices at that time. */
  progressMs: number[];
  progressDone: number[];
  devices: { methodRequests: number; desiredPatches: number; lastMethodMs: number; lastDesiredMs: number };
  brokerCpuMs: number;
  pollMs: number;
}

/** Schedules one job over every device and polls `GET /jobs/v2/{id}` until it is finished (or `timeoutMs`). */
export async function runJob(
  hub: BrokerChild,
  rest: RestClient,
  side: DeviceSide,
  kind: 'method' | 'twin',
  seq: number,
  options: { pollMs?: number; timeoutMs?: number; desiredWaitMs?: number; expectedDevices: number },
): Promise<JobRun> {
  const pollMs = options.pollMs ?? 50;
  const jobId = `jobs-bench-${kind}-${seq}-${Date.now()}`;
  Object.assign(side, { ...createDeviceSide(), desiredSeq: seq });
  const before = await hub.stats();
  side.t0 = performance.now();
  const put = await rest.request(
    'PUT',
    `/jobs/v2/${encodeURIComponent(jobId)}?api-version=2021-04-12`,
    jobBody(jobId, kind, seq),
  );
  if (put.status !== 200) throw new Error(`PUT job: HTTP ${put.status} ${put.text.slice(0, 300)}`);
  const progressMs: number[] = [];
  const progressDone: number[] = [];
  let job = JSON.parse(put.text) as JobState;
  let lastSample = -1_000;
  const deadline = side.t0 + (options.timeoutMs ?? 120_000);
  while (!['completed', 'failed', 'cancelled'].includes(job.status) && performance.now() < deadline) {
    await sleep(pollMs);
    const res = await rest.request('GET', `/jobs/v2/${jobId}?api-version=2021-04-12`);
    if (res.status === 200) job = JSON.parse(res.text) as JobState;
    const at = performance.now() - side.t0;
    if (at - lastSample >= 1_000) {
      lastSample = at;
      const s = job.deviceJobStatistics;
      progressMs.push(Math.round(at));
      progressDone.push(s.succeededCount + s.failedCount);
    }
  }
  const doneMs = performance.now() - side.t0;
  // Desired patches reach devices after the twin is merged: wait for them to land.
  if (kind === 'twin') {
    const until = performance.now() + (options.desiredWaitMs ?? 15_000);
    while (side.desiredPatches < options.expectedDevices && performance.now() < until) await sleep(50);
  }
  const after = await hub.stats();
  const s = job.deviceJobStatistics;
  const rate = (s.succeededCount + s.failedCount) / (doneMs / 1000);
  return {
    kind: kind === 'method' ? 'scheduleDeviceMethod' : 'scheduleUpdateTwin',
    jobId,
    status: job.status,
    failureReason: job.failureReason,
    deviceCount: s.deviceCount,
    succeeded: s.succeededCount,
    failed: s.failedCount,
    putToCompletedMs: Math.round(doneMs),
    hubCreatedToEndMs: job.endTime ? Date.parse(job.endTime) - Date.parse(job.createdTime) : Number.NaN,
    putResponseMs: round(put.ms, 1),
    deviceOpsPerSec: round(rate, 0),
    iotHubS3UnitsEquivalent: round(rate / IOT_HUB_S3_JOB_OPS_PER_SEC_PER_UNIT, 1),
    iotHubS3OneUnitSeconds: round(s.deviceCount / IOT_HUB_S3_JOB_OPS_PER_SEC_PER_UNIT, 0),
    progressMs,
    progressDone,
    devices: {
      methodRequests: side.methodRequests,
      desiredPatches: side.desiredPatches,
      lastMethodMs: Math.round(side.lastMethodAt),
      lastDesiredMs: Math.round(side.lastDesiredAt),
    },
    brokerCpuMs: Math.round((after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000),
    pollMs,
  };
}
