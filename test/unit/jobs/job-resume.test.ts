import { type CommitEntry, createMemoryStore, type DeviceJobRow, type Hub, JOB_DEVICES } from '@outpost/core';
import { describe, expect, it } from 'vitest';
import {
  addDevices,
  changesOf,
  createFakeMethodLink,
  createFakeTimers,
  jobHub,
  OWNER,
  settle,
} from './helpers';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `dev-${String(i).padStart(2, '0')}`);
const methodJob = (extra: Record<string, unknown> = {}) => ({
  type: 'scheduleDeviceMethod',
  queryCondition: '*',
  cloudToDeviceMethod: { methodName: 'update', payload: null, responseTimeoutInSeconds: 30 },
  ...extra,
});
const rowsOf = (hub: Hub, jobId: string) => [...hub.jobs.rows()].filter((r) => r.jobId === jobId);

/** Timers, link and hub of a "process"; a crash is simply never touching them again. */
async function start(store: ReturnType<typeof createMemoryStore>, at?: number, resumeDelayMs = 0) {
  const timers = createFakeTimers(at);
  const link = createFakeMethodLink(timers);
  for (const id of ids(10)) link.behave(id, { delayMs: 1_000 });
  const hub = await jobHub({ store, timers, link, concurrency: 2, resumeDelayMs });
  return { timers, link, hub };
}

describe('jobs across a restart', () => {
  it('a running job goes on where it was: done rows are not run again, every device ends once', async () => {
    const store = createMemoryStore();
    const first = await start(store);
    await addDevices(first.hub, ids(10));
    await first.hub.jobs.create('resume', methodJob(), OWNER);
    // dev-00..03 answer by 2 s and their rows are written by the 200 ms batch; dev-04/05 are in flight.
    await first.timers.advance(2_500);
    expect(first.hub.jobs.get('resume').deviceJobStatistics).toMatchObject({
      succeededCount: 4,
      runningCount: 2,
    });

    // Crash: the first hub is abandoned, never closed.
    const second = await start(store, first.timers.clock.now(), 1_000);
    expect(second.hub.jobs.get('resume')).toMatchObject({
      status: 'running',
      deviceJobStatistics: { deviceCount: 10, succeededCount: 4, pendingCount: 6, runningCount: 0 },
    });
    await second.timers.advance(10_000);
    expect(second.hub.jobs.get('resume')).toMatchObject({
      status: 'completed',
      deviceJobStatistics: { deviceCount: 10, succeededCount: 10 },
    });
    expect(second.link.calls.map((c) => c.deviceId)).toEqual(ids(10).slice(4));
    const rows = rowsOf(second.hub, 'resume');
    expect(rows.map((r) => r.deviceId)).toEqual(ids(10));
    expect(rows.every((r) => r.status === 'completed')).toBe(true);
    await second.hub.close();

    // And the third start reads the finished job back as it was.
    const third = await start(store, second.timers.clock.now());
    expect(third.hub.jobs.get('resume')).toMatchObject({
      status: 'completed',
      deviceJobStatistics: { succeededCount: 10 },
    });
    await settle();
    expect(third.link.calls).toHaveLength(0);
    await third.hub.close();
  });

  it('a clean stop writes finished rows and leaves the rest pending for the next start', async () => {
    const store = createMemoryStore();
    const first = await start(store);
    await addDevices(first.hub, ids(10));
    await first.hub.jobs.create('stop', methodJob(), OWNER);
    await first.timers.advance(1_050); // dev-00/01 answered; their rows are still batched
    await first.hub.close();

    const second = await start(store, first.timers.clock.now(), 1_000);
    expect(second.hub.jobs.get('stop').deviceJobStatistics).toMatchObject({
      succeededCount: 2,
      pendingCount: 8,
    });
    await second.timers.advance(10_000);
    expect(second.hub.jobs.get('stop').status).toBe('completed');
    expect(second.link.calls.map((c) => c.deviceId)).toEqual(ids(10).slice(2));
    await second.hub.close();
  });

  it('a resumed method job waits resumeDelayMs so devices can reconnect first', async () => {
    const store = createMemoryStore();
    const first = await start(store);
    await addDevices(first.hub, ids(10));
    await first.hub.jobs.create('wait', methodJob(), OWNER);
    await first.timers.advance(10);
    const second = await start(store, first.timers.clock.now(), 5_000);
    await second.timers.advance(4_900);
    expect(second.link.calls).toHaveLength(0);
    await second.timers.advance(100);
    expect(second.link.calls).toHaveLength(2);
    await second.timers.advance(10_000);
    expect(second.hub.jobs.get('wait').status).toBe('completed');
    await second.hub.close();
  });

  it('a scheduled job still starts on time after a restart', async () => {
    const store = createMemoryStore();
    const first = await start(store);
    await addDevices(first.hub, ids(3));
    const at = new Date(first.timers.clock.now() + 60_000).toISOString();
    await first.hub.jobs.create('cron', methodJob({ startTime: at }), OWNER);
    const second = await start(store, first.timers.clock.now() + 1_000);
    expect(second.hub.jobs.get('cron').status).toBe('scheduled');
    await second.timers.advance(58_000);
    expect(second.link.calls).toHaveLength(0);
    await second.timers.advance(5_000);
    expect(second.hub.jobs.get('cron')).toMatchObject({
      status: 'completed',
      deviceJobStatistics: { succeededCount: 3 },
    });
    await second.hub.close();
  });

  it('a job whose time ran out while the hub was down ends as failed at the next start', async () => {
    const store = createMemoryStore();
    const first = await start(store);
    await addDevices(first.hub, ids(10));
    await first.hub.jobs.create('late', methodJob({ maxExecutionTimeInSeconds: 60 }), OWNER);
    await first.timers.advance(1_500);
    const second = await start(store, first.timers.clock.now() + 120_000);
    await settle();
    const job = second.hub.jobs.get('late');
    expect(job.status).toBe('failed');
    expect(job.deviceJobStatistics).toMatchObject({ succeededCount: 2, failedCount: 8, pendingCount: 0 });
    expect(second.link.calls).toHaveLength(0);
    await second.hub.close();
    const third = await start(store, second.timers.clock.now());
    expect(rowsOf(third.hub, 'late').filter((r) => r.status === 'canceled')).toHaveLength(8);
    await third.hub.close();
  });
});

describe('job writes', () => {
  it('batch row updates: a 1000-device job writes a handful of row batches, not one per device', async () => {
    const memory = createMemoryStore();
    const rowWritesPerCommit: number[] = [];
    const store = {
      ...memory,
      commit(entry: CommitEntry) {
        const rows = entry.writes.filter((w) => w.collection === JOB_DEVICES).length;
        if (rows > 0) rowWritesPerCommit.push(rows);
        return memory.commit(entry);
      },
    };
    const timers = createFakeTimers();
    const hub = await jobHub({ store, timers });
    const many = Array.from({ length: 1000 }, (_, i) => `m-${String(i).padStart(4, '0')}`);
    await addDevices(hub, many, { batch: true });
    await hub.jobs.create(
      'bulk',
      { type: 'scheduleUpdateTwin', queryCondition: 'tags.batch = true', updateTwin: { tags: { v: 2 } } },
      OWNER,
    );
    await settle(50);
    await timers.advance(1_000);
    expect(hub.jobs.get('bulk')).toMatchObject({
      status: 'completed',
      deviceJobStatistics: { succeededCount: 1000 },
    });
    // One write of the new rows, then outcomes in batches of at most 500.
    expect(rowWritesPerCommit.length).toBeLessThanOrEqual(5);
    expect(Math.max(...rowWritesPerCommit)).toBeLessThanOrEqual(1000);
    expect(rowWritesPerCommit.reduce((a, b) => a + b, 0)).toBe(2000);
    const rowChanges = (await changesOf(hub)).filter((c) => c.kind === 'jobDevicesUpdated');
    expect(rowChanges.every((c) => c.actor.type === 'job' && c.actor.id === 'bulk')).toBe(true);
    const stored = (await memory.load()).collections.get(JOB_DEVICES);
    expect(stored?.size).toBe(1000);
    expect([...(stored?.values() ?? [])].every((r) => (r as DeviceJobRow).status === 'completed')).toBe(true);
    await hub.close();
  });
});
