/**
 * The official azure-iothub JobClient, unmodified, against a real runtime on :443 (see
 * azure-iothub-registry.test.ts for the setup): scheduling, reading, cancelling and querying jobs,
 * with the SDK's quirks (numeric ids, unencoded getJob/cancelJob paths, header paging).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompatHub, startCompatHub } from '../helpers/compat-hub';
import { type CompatRun, runCompatClient } from '../helpers/compat-runner';

type JobView = {
  jobId: string;
  type: string;
  status: string;
  startTime: string;
  maxExecutionTimeInSeconds: number;
  updateTwin?: Record<string, unknown>;
  cloudToDeviceMethod?: Record<string, unknown>;
  deviceJobStatistics: Record<string, number>;
};

let hub: CompatHub;
let run: CompatRun;

beforeAll(async () => {
  hub = await startCompatHub();
  run = await runCompatClient('test/compat/clients/jobs-client.ts', {
    env: { ...hub.childEnv(), OUTPOST_CS: hub.connectionString() },
    timeoutMs: 120_000,
  });
}, 150_000);
afterAll(() => hub?.close());

describe('azure-iothub JobClient (unmodified) against Outpost on :443', () => {
  it('runs the whole scenario to the end', () => {
    expect(run.timedOut).toBe(false);
    run.ok('done');
    expect(run.code).toBe(0);
  });

  it('schedules a twin update with a numeric id and the promise-form defaults, and applies it', () => {
    const created = run.ok<JobView>('scheduleTwinUpdate');
    expect(created).toMatchObject({
      jobId: '1001',
      type: 'scheduleUpdateTwin',
      maxExecutionTimeInSeconds: 3600,
    });
    expect(['queued', 'running', 'completed']).toContain(created.status);
    expect(run.ok<JobView>('twinJobDone')).toMatchObject({
      status: 'completed',
      deviceJobStatistics: { deviceCount: 2, succeededCount: 2, failedCount: 0 },
    });
    expect(run.ok('twinAfterJob')).toEqual({ sdk: 'yes', fw: '2.0' });
  });

  it('schedules a device method; offline devices end as DeviceNotOnline rows of devices.jobs', () => {
    expect(run.ok<JobView>('scheduleDeviceMethod').cloudToDeviceMethod).toMatchObject({
      methodName: 'reboot',
      payload: { delay: 1 },
      responseTimeoutInSeconds: 10,
    });
    expect(run.ok<JobView>('methodJobDone')).toMatchObject({
      status: 'completed',
      deviceJobStatistics: { deviceCount: 2, failedCount: 2 },
    });
    expect(run.ok('queryDeviceRows')).toEqual([
      { deviceId: 'sdkjob-1', status: 'failed', code: 'DeviceNotOnline' },
      { deviceId: 'sdkjob-2', status: 'failed', code: 'DeviceNotOnline' },
    ]);
  });

  it('reads and cancels a scheduled job through the unencoded paths', () => {
    expect(run.ok<JobView>('scheduleLater')).toMatchObject({
      jobId: 'sdk:later+1',
      status: 'scheduled',
      maxExecutionTimeInSeconds: 120,
    });
    expect(run.ok<JobView>('getLater').status).toBe('scheduled');
    expect(run.ok<JobView>('cancelLater').status).toBe('cancelled');
  });

  it('maps a duplicate id to 409, a bad condition to ArgumentError and an unknown job to 404', () => {
    const dup = run.failed('scheduleDuplicate');
    // The SDK names every 409 DeviceAlreadyExistsError; the body says JobAlreadyExists.
    expect(dup).toMatchObject({ name: 'DeviceAlreadyExistsError', statusCode: 409 });
    expect(dup.responseBody).toMatch(/"Message":"ErrorCode:JobAlreadyExists;/);
    expect(run.failed('scheduleBadCondition')).toMatchObject({ name: 'ArgumentError', statusCode: 400 });
    const missing = run.failed('getUnknown');
    expect(missing.statusCode).toBe(404);
    expect(missing.responseBody).toMatch(/ErrorCode:JobNotFound;/);
  });

  it('pages a job query through the headers and filters by type and status', () => {
    expect(run.ok('queryTwinJobs')).toEqual([['1001'], ['sdk:later+1']]);
    expect(run.ok('queryCancelled')).toEqual({ ids: ['sdk:later+1'], itemType: 'jobResponse' });
  });
});
