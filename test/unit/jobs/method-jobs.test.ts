import type { DeviceJobRow, Hub } from '@outpost/core';
import { describe, expect, it } from 'vitest';
import { addDevices, createFakeMethodLink, createFakeTimers, jobHub, OWNER, settle } from './helpers';

const methodJob = (extra: Record<string, unknown> = {}, method: Record<string, unknown> = {}) => ({
  type: 'scheduleDeviceMethod',
  queryCondition: '*',
  cloudToDeviceMethod: {
    methodName: 'reboot',
    payload: { now: true },
    responseTimeoutInSeconds: 30,
    ...method,
  },
  ...extra,
});

const rowsOf = (hub: Hub, jobId: string) => [...hub.jobs.rows()].filter((r) => r.jobId === jobId);
const row = (hub: Hub, jobId: string, deviceId: string) =>
  rowsOf(hub, jobId).find((r) => r.deviceId === deviceId) as DeviceJobRow;
const ids = (n: number, prefix = 'dev') =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

describe('direct-method jobs', () => {
  it('records each answer as the outcome, and an offline device as a failed row', async () => {
    const timers = createFakeTimers();
    const link = createFakeMethodLink(timers);
    const hub = await jobHub({ timers, link });
    await addDevices(hub, ['ok', 'busy', 'gone']);
    link.behave('busy', { status: 503 });
    link.behave('gone', 'offline');
    await hub.jobs.create('reboot', methodJob(), OWNER);
    await settle();

    expect(row(hub, 'reboot', 'ok')).toMatchObject({
      status: 'completed',
      jobType: 'scheduleDeviceMethod',
      outcome: { deviceMethodResponse: { status: 200, payload: { device: 'ok' } } },
    });
    // The device answered: the job did its part, whatever status the device chose.
    expect(row(hub, 'reboot', 'busy')).toMatchObject({
      status: 'completed',
      outcome: { deviceMethodResponse: { status: 503 } },
    });
    expect(row(hub, 'reboot', 'gone')).toMatchObject({
      status: 'failed',
      outcome: { deviceMethodResponse: null },
      error: { code: 'DeviceNotOnline' },
    });
    expect(hub.jobs.get('reboot')).toMatchObject({
      status: 'completed',
      deviceJobStatistics: {
        deviceCount: 3,
        succeededCount: 2,
        failedCount: 1,
        runningCount: 0,
        pendingCount: 0,
      },
    });
    expect(link.calls.map((c) => c.methodName)).toEqual(['reboot', 'reboot']);
    expect(link.calls[0]?.payload).toEqual({ now: true });
    expect(link.calls[0]?.timeoutMs).toBe(30_000);
    await hub.close();
  });

  it('keeps at most `concurrency` calls in flight, and a slow device does not stall the others', async () => {
    const timers = createFakeTimers();
    const link = createFakeMethodLink(timers);
    const hub = await jobHub({ timers, link, concurrency: 3 });
    const devices = ids(30);
    await addDevices(hub, devices);
    for (const id of devices) link.behave(id, { delayMs: 100 });
    link.behave('dev-000', { delayMs: 25_000 });
    link.behave('dev-001', 'silent');
    await hub.jobs.create('fan', methodJob({}, { responseTimeoutInSeconds: 60 }), OWNER);
    await settle();
    expect(link.inFlight()).toBe(3);

    await timers.advance(3_000);
    // 28 fast devices (100 ms each) went through the one remaining slot while the slow two held theirs.
    const stats = hub.jobs.get('fan').deviceJobStatistics;
    expect(stats).toMatchObject({ deviceCount: 30, succeededCount: 28, runningCount: 2, pendingCount: 0 });
    expect(row(hub, 'fan', 'dev-000').status).toBe('running');
    expect(hub.jobs.get('fan').status).toBe('running');

    await timers.advance(22_000);
    expect(row(hub, 'fan', 'dev-000').status).toBe('completed');
    await timers.advance(60_000);
    expect(row(hub, 'fan', 'dev-001')).toMatchObject({ status: 'failed', error: { code: 'GatewayTimeout' } });
    expect(hub.jobs.get('fan')).toMatchObject({
      status: 'completed',
      deviceJobStatistics: { succeededCount: 29, failedCount: 1 },
    });
    expect(link.maxInFlight()).toBe(3);
    expect(link.calls).toHaveLength(30);
    await hub.close();
  });

  it('shares the bound between jobs running at the same time', async () => {
    const timers = createFakeTimers();
    const link = createFakeMethodLink(timers);
    const hub = await jobHub({ timers, link, concurrency: 4 });
    await addDevices(hub, ids(10));
    for (const id of ids(10)) link.behave(id, { delayMs: 1_000 });
    await hub.jobs.create('one', methodJob(), OWNER);
    await hub.jobs.create('two', methodJob(), OWNER);
    await timers.advance(10_000);
    expect(link.maxInFlight()).toBe(4);
    expect(hub.jobs.get('one').status).toBe('completed');
    expect(hub.jobs.get('two').status).toBe('completed');
    await hub.close();
  });

  it('cuts off a device link that never settles with a guard timer', async () => {
    const timers = createFakeTimers();
    const link = createFakeMethodLink(timers);
    link.invokeMethod = () => new Promise(() => undefined);
    const hub = await jobHub({ timers, link });
    await addDevices(hub, ['stuck']);
    await hub.jobs.create('guard', methodJob({}, { responseTimeoutInSeconds: 5 }), OWNER);
    await timers.advance(14_000);
    expect(row(hub, 'guard', 'stuck').status).toBe('running');
    await timers.advance(2_000);
    expect(row(hub, 'guard', 'stuck')).toMatchObject({ status: 'failed', error: { code: 'GatewayTimeout' } });
    expect(hub.jobs.get('guard').status).toBe('completed');
    await hub.close();
  });

  it('cancels: pending rows become canceled, the call in flight still reports, the job is cancelled', async () => {
    const timers = createFakeTimers();
    const link = createFakeMethodLink(timers);
    const hub = await jobHub({ timers, link, concurrency: 1 });
    await addDevices(hub, ids(5));
    for (const id of ids(5)) link.behave(id, { delayMs: 10_000 });
    await hub.jobs.create('stop', methodJob(), OWNER);
    await timers.advance(15_000);
    expect(row(hub, 'stop', 'dev-001').status).toBe('running');

    const cancelled = await hub.jobs.cancel('stop', OWNER);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.endTime).not.toBeNull();
    expect(cancelled.deviceJobStatistics).toMatchObject({
      succeededCount: 1,
      runningCount: 1,
      failedCount: 3,
    });
    expect(row(hub, 'stop', 'dev-004')).toMatchObject({
      status: 'canceled',
      error: { code: 'JobCancelled' },
    });

    await timers.advance(10_000);
    expect(row(hub, 'stop', 'dev-001').status).toBe('completed');
    expect(hub.jobs.get('stop')).toMatchObject({
      status: 'cancelled',
      deviceJobStatistics: {
        deviceCount: 5,
        succeededCount: 2,
        failedCount: 3,
        runningCount: 0,
        pendingCount: 0,
      },
    });
    expect(link.calls).toHaveLength(2);
    // Cancelling again, or a finished job, answers the job as it is.
    expect((await hub.jobs.cancel('stop', OWNER)).status).toBe('cancelled');
    await hub.close();
  });

  it('cancels a scheduled job before it starts: it never runs', async () => {
    const timers = createFakeTimers();
    const link = createFakeMethodLink(timers);
    const hub = await jobHub({ timers, link });
    await addDevices(hub, ['a']);
    const start = new Date(timers.clock.now() + 60_000).toISOString();
    await hub.jobs.create('soon', methodJob({ startTime: start }), OWNER);
    expect((await hub.jobs.cancel('soon', OWNER)).status).toBe('cancelled');
    await timers.advance(120_000);
    expect(link.calls).toHaveLength(0);
    expect(rowsOf(hub, 'soon')).toHaveLength(0);
    await hub.close();
  });

  it('ends the job at maxExecutionTimeInSeconds: the running row fails, pending rows are canceled', async () => {
    const timers = createFakeTimers();
    const link = createFakeMethodLink(timers);
    const hub = await jobHub({ timers, link, concurrency: 1 });
    await addDevices(hub, ids(4));
    for (const id of ids(4)) link.behave(id, { delayMs: 20_000 });
    await hub.jobs.create(
      'slow',
      methodJob({ maxExecutionTimeInSeconds: 30 }, { responseTimeoutInSeconds: 60 }),
      OWNER,
    );
    await timers.advance(29_000);
    expect(hub.jobs.get('slow').status).toBe('running');
    await timers.advance(1_000);
    const job = hub.jobs.get('slow');
    expect(job.status).toBe('failed');
    expect(job.failureReason).toContain('maxExecutionTimeInSeconds');
    expect(job.deviceJobStatistics).toEqual({
      deviceCount: 4,
      succeededCount: 1,
      failedCount: 3,
      runningCount: 0,
      pendingCount: 0,
    });
    expect(row(hub, 'slow', 'dev-001')).toMatchObject({ status: 'failed', error: { code: 'JobExpired' } });
    expect(row(hub, 'slow', 'dev-003')).toMatchObject({ status: 'canceled', error: { code: 'JobExpired' } });
    // The late answer of the device that ran out of time changes nothing.
    await timers.advance(20_000);
    expect(row(hub, 'slow', 'dev-001').status).toBe('failed');
    expect(link.calls).toHaveLength(2);
    await hub.close();
  });
});
