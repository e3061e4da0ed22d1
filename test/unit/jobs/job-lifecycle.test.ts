import { createMemoryStore, type DeviceJobRow } from '@outpost/core';
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

const rowsOf = (hub: Awaited<ReturnType<typeof jobHub>>, jobId: string) =>
  [...hub.jobs.rows()].filter((r) => r.jobId === jobId);

describe('twin update jobs', () => {
  it('goes queued → running → completed, patches matching twins as the job, and counts devices', async () => {
    const timers = createFakeTimers();
    const hub = await jobHub({ timers });
    await addDevices(hub, ['a-1', 'a-2', 'a-3'], { site: 'A' });
    await addDevices(hub, ['b-1', 'b-2'], { site: 'B' });

    const created = await hub.jobs.create(
      '42',
      {
        jobId: 42,
        type: 'scheduleUpdateTwin',
        queryCondition: "tags.site = 'A'",
        updateTwin: { etag: '*', tags: { fw: '1.3' }, properties: { desired: { rate: 5 } } },
        startTime: null,
      },
      OWNER,
    );
    expect(created).toMatchObject({
      jobId: '42',
      type: 'scheduleUpdateTwin',
      status: 'queued',
      maxExecutionTimeInSeconds: 3600,
      endTime: null,
      failureReason: null,
      updateTwin: { etag: '*', tags: { fw: '1.3' } },
      deviceJobStatistics: {
        deviceCount: 0,
        failedCount: 0,
        succeededCount: 0,
        runningCount: 0,
        pendingCount: 0,
      },
    });
    expect(created.startTime).toBe(created.createdTime);

    await settle();
    const done = hub.jobs.get('42');
    expect(done.status).toBe('completed');
    expect(done.endTime).not.toBeNull();
    expect(done.deviceJobStatistics).toEqual({
      deviceCount: 3,
      failedCount: 0,
      succeededCount: 3,
      runningCount: 0,
      pendingCount: 0,
    });
    for (const id of ['a-1', 'a-2', 'a-3']) {
      const twin = hub.twins.get(id);
      expect(twin.tags).toMatchObject({ site: 'A', fw: '1.3' });
      expect(twin.properties.desired).toMatchObject({ rate: 5 });
    }
    expect(hub.twins.get('b-1').tags).toEqual({ site: 'B' });

    const rows = rowsOf(hub, '42');
    expect(rows.map((r) => r.deviceId)).toEqual(['a-1', 'a-2', 'a-3']);
    const row = rows[0] as DeviceJobRow;
    expect(row).toMatchObject({
      jobId: '42',
      jobType: 'scheduleUpdateTwin',
      status: 'completed',
      outcome: { deviceMethodResponse: null },
    });
    expect(row.error).toBeUndefined();
    for (const key of [
      'startTimeUtc',
      'endTimeUtc',
      'createdDateTimeUtc',
      'lastUpdatedDateTimeUtc',
    ] as const) {
      expect(row[key]).toMatch(/^\d{4}-\d\d-\d\dT/);
    }

    const changes = await changesOf(hub);
    const twinChanges = changes.filter((c) => c.kind === 'twinDesiredChanged' && c.id.startsWith('a-'));
    expect(twinChanges).toHaveLength(3);
    expect(twinChanges.every((c) => c.actor.type === 'job' && c.actor.id === '42')).toBe(true);
    const jobKinds = changes.filter((c) => c.id === '42').map((c) => c.kind);
    expect(jobKinds[0]).toBe('jobCreated');
    expect(jobKinds).toContain('jobDevicesUpdated');
    expect(jobKinds.at(-1)).toBe('jobUpdated');
    expect(changes.find((c) => c.kind === 'jobCreated')?.actor).toEqual(OWNER);
    await hub.close();
  });

  it('waits as scheduled until its start time, then takes the devices that match then', async () => {
    const timers = createFakeTimers();
    const hub = await jobHub({ timers });
    await addDevices(hub, ['d-1'], { ring: 1 });
    const start = new Date(timers.clock.now() + 60_000).toISOString();
    const created = await hub.jobs.create(
      'later',
      {
        type: 'scheduleUpdateTwin',
        queryCondition: 'tags.ring = 1',
        updateTwin: { tags: { x: 1 } },
        startTime: start,
      },
      OWNER,
    );
    expect(created.status).toBe('scheduled');
    expect(created.startTime).toBe(start);
    await addDevices(hub, ['d-2'], { ring: 1 });
    await timers.advance(59_000);
    expect(hub.jobs.get('later').status).toBe('scheduled');
    expect(rowsOf(hub, 'later')).toHaveLength(0);
    await timers.advance(1_000);
    expect(hub.jobs.get('later')).toMatchObject({
      status: 'completed',
      deviceJobStatistics: { deviceCount: 2, succeededCount: 2 },
    });
    await hub.close();
  });

  it('completes at once with no rows when nothing matches, and accepts * for every device', async () => {
    const timers = createFakeTimers();
    const hub = await jobHub({ timers });
    await addDevices(hub, ['x', 'y']);
    await hub.jobs.create(
      'none',
      { type: 'scheduleUpdateTwin', queryCondition: "tags.site = 'nowhere'", updateTwin: { tags: { a: 1 } } },
      OWNER,
    );
    await hub.jobs.create(
      'all',
      { type: 'scheduleUpdateTwin', queryCondition: '*', updateTwin: { tags: { a: 1 } } },
      OWNER,
    );
    await settle();
    expect(hub.jobs.get('none')).toMatchObject({
      status: 'completed',
      deviceJobStatistics: { deviceCount: 0 },
    });
    expect(hub.jobs.get('all')).toMatchObject({
      status: 'completed',
      deviceJobStatistics: { succeededCount: 2 },
    });
    await hub.close();
  });

  it('fails a row whose patch breaks a twin limit, and still completes the job', async () => {
    const timers = createFakeTimers();
    const hub = await jobHub({ timers });
    await addDevices(hub, ['ok']);
    await hub.registry.create({ deviceId: 'full' }, OWNER, {
      tags: { big: 'x'.repeat(4000), big2: 'y'.repeat(4000) },
    });
    await hub.jobs.create(
      'grow',
      { type: 'scheduleUpdateTwin', queryCondition: '*', updateTwin: { tags: { more: 'z'.repeat(400) } } },
      OWNER,
    );
    await settle();
    const rows = rowsOf(hub, 'grow');
    expect(rows.find((r) => r.deviceId === 'full')).toMatchObject({
      status: 'failed',
      error: { code: 'ArgumentInvalid' },
    });
    expect(hub.jobs.get('grow')).toMatchObject({
      status: 'completed',
      deviceJobStatistics: { deviceCount: 2, succeededCount: 1, failedCount: 1 },
    });
    await hub.close();
  });
});

describe('devices.jobs rows', () => {
  it('are queryable, ordered by jobId then deviceId', async () => {
    const timers = createFakeTimers();
    const hub = await jobHub({ timers });
    await addDevices(hub, ['d-2', 'd-1', 'd-3']);
    for (const id of ['job-b', 'job-a']) {
      await hub.jobs.create(
        id,
        { type: 'scheduleUpdateTwin', queryCondition: '*', updateTwin: { tags: { id } } },
        OWNER,
      );
    }
    await settle();
    const all = hub.query('SELECT * FROM devices.jobs');
    expect(all.itemType).toBe('deviceJob');
    expect((all.rows as DeviceJobRow[]).map((r) => `${r.jobId}/${r.deviceId}`)).toEqual([
      'job-a/d-1',
      'job-a/d-2',
      'job-a/d-3',
      'job-b/d-1',
      'job-b/d-2',
      'job-b/d-3',
    ]);
    const one = hub.query(
      "SELECT * FROM devices.jobs WHERE devices.jobs.jobId = 'job-b' AND devices.jobs.status = 'completed'",
      {
        pageSize: 2,
      },
    );
    expect((one.rows as DeviceJobRow[]).map((r) => r.deviceId)).toEqual(['d-1', 'd-2']);
    expect(one.continuation).toBeDefined();
    await hub.close();
  });

  it('go away with their device, durably, and a job waiting only for that device completes', async () => {
    const store = createMemoryStore();
    const timers = createFakeTimers();
    const link = createFakeMethodLink(timers);
    const hub = await jobHub({ store, timers, link });
    await addDevices(hub, ['keep', 'drop']);
    link.behave('drop', 'silent');
    await hub.jobs.create(
      'm',
      { type: 'scheduleDeviceMethod', queryCondition: '*', cloudToDeviceMethod: { methodName: 'x' } },
      OWNER,
    );
    await settle();
    expect(hub.jobs.get('m').deviceJobStatistics).toMatchObject({ succeededCount: 1, runningCount: 1 });

    await hub.registry.delete('drop', '*', OWNER);
    await settle();
    expect(rowsOf(hub, 'm').map((r) => r.deviceId)).toEqual(['keep']);
    expect(hub.jobs.get('m')).toMatchObject({
      status: 'completed',
      deviceJobStatistics: { deviceCount: 1, succeededCount: 1, runningCount: 0 },
    });
    await timers.advance(60_000);
    expect(rowsOf(hub, 'm')).toHaveLength(1);
    await hub.close();
    const again = await jobHub({ store, timers: createFakeTimers(timers.clock.now()) });
    expect(rowsOf(again, 'm').map((r) => r.deviceId)).toEqual(['keep']);
    await again.close();
  });
});
