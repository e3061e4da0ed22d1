import { createSasToken, type DeviceJobRow, type JobResponse } from '@outpost/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ridOf, type TestDevice } from '../../helpers/mqtt-device';
import { type MqttTestHub, startMqttTestHub } from '../mqtt/mqtt-hub';

let hub: MqttTestHub;
const devices: TestDevice[] = [];
beforeAll(async () => {
  hub = await startMqttTestHub();
});
afterAll(async () => {
  for (const d of devices) await d.close().catch(() => undefined);
  await hub.close();
});

/** Connects a registered device that answers every method with 200 and what it got. */
async function answeringDevice(deviceId: string, tags: Record<string, unknown>): Promise<TestDevice> {
  const key = await hub.createDevice(deviceId);
  await hub.call('PATCH', `/twins/${deviceId}`, { tags }, { 'if-match': '*' });
  const device = await hub.connect(deviceId, key);
  devices.push(device);
  device.client.on('message', (topic, payload) => {
    if (!topic.startsWith('$iothub/methods/POST/')) return;
    const body = JSON.stringify({
      by: deviceId,
      method: topic.split('/')[3],
      got: JSON.parse(payload.toString()),
    });
    device.client.publish(`$iothub/methods/res/200/?$rid=${ridOf(topic)}`, body);
  });
  expect(await device.subscribe('$iothub/methods/POST/#')).toBe(0);
  return device;
}

const getJob = (rawPath: string) => hub.call('GET', `/jobs/v2/${rawPath}`);

async function untilFinished(rawPath: string): Promise<JobResponse> {
  let job: JobResponse | undefined;
  await vi.waitFor(
    async () => {
      const res = await getJob(rawPath);
      expect(res.status).toBe(200);
      job = res.json as JobResponse;
      expect(['completed', 'failed', 'cancelled']).toContain(job.status);
    },
    { timeout: 20_000, interval: 100 },
  );
  return job as JobResponse;
}

async function jobRows(jobId: string): Promise<DeviceJobRow[]> {
  const res = await hub.call('POST', '/devices/query', {
    query: `SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '${jobId}'`,
  });
  expect(res.status).toBe(200);
  expect(res.headers['x-ms-item-type']).toBe('deviceJob');
  return res.json as DeviceJobRow[];
}

describe('scheduled jobs over REST', () => {
  it('runs a method job on real MQTT devices; an offline device gets a DeviceNotOnline row', async () => {
    const online = await Promise.all(
      ['mj-1', 'mj-2', 'mj-3'].map((id) => answeringDevice(id, { ring: 'r1' })),
    );
    await hub.createDevice('mj-4');
    await hub.call('PATCH', '/twins/mj-4', { tags: { ring: 'r1' } }, { 'if-match': '*' });

    // The SDK encodes the id on PUT but not on GET or cancel: `50%` must be found both ways.
    const jobId = '50%-reboot';
    const put = await hub.call('PUT', `/jobs/v2/${encodeURIComponent(jobId)}`, {
      jobId,
      type: 'scheduleDeviceMethod',
      cloudToDeviceMethod: { methodName: 'reboot', payload: { delay: 1 }, responseTimeoutInSeconds: 10 },
      startTime: null,
      queryCondition: "tags.ring = 'r1'",
    });
    expect(put.status).toBe(200);
    expect(put.headers['content-type']).toContain('application/json');
    expect(put.json).toMatchObject({
      jobId,
      type: 'scheduleDeviceMethod',
      status: 'queued',
      maxExecutionTimeInSeconds: 3600,
      queryCondition: "tags.ring = 'r1'",
      cloudToDeviceMethod: { methodName: 'reboot', payload: { delay: 1 }, responseTimeoutInSeconds: 10 },
    });

    const job = await untilFinished(jobId);
    expect(job).toMatchObject({
      status: 'completed',
      deviceJobStatistics: {
        deviceCount: 4,
        succeededCount: 3,
        failedCount: 1,
        runningCount: 0,
        pendingCount: 0,
      },
    });
    expect((await getJob(encodeURIComponent(jobId))).status).toBe(200);

    const rows = await jobRows(jobId);
    expect(rows.map((r) => r.deviceId)).toEqual(['mj-1', 'mj-2', 'mj-3', 'mj-4']);
    expect(rows[0]).toMatchObject({
      jobId,
      jobType: 'scheduleDeviceMethod',
      status: 'completed',
      outcome: {
        deviceMethodResponse: { status: 200, payload: { by: 'mj-1', method: 'reboot', got: { delay: 1 } } },
      },
    });
    expect(rows[3]).toMatchObject({ status: 'failed', error: { code: 'DeviceNotOnline' } });
    for (const device of online) {
      expect(device.received.filter((m) => m.topic.startsWith('$iothub/methods/POST/reboot/'))).toHaveLength(
        1,
      );
    }
  });

  it('runs a twin update job (numeric jobId, etag "*") and the connected device sees the desired patch', async () => {
    const device = await answeringDevice('tj-1', { fleet: 'twin-job' });
    await device.subscribe('$iothub/twin/PATCH/properties/desired/#');
    await hub.createDevice('tj-2');
    await hub.call('PATCH', '/twins/tj-2', { tags: { fleet: 'twin-job' } }, { 'if-match': '*' });

    const put = await hub.call('PUT', '/jobs/v2/7001', {
      jobId: 7001,
      type: 'scheduleUpdateTwin',
      updateTwin: { etag: '*', tags: { fw: '1.3' }, properties: { desired: { interval: 30 } } },
      startTime: null,
      queryCondition: "tags.fleet = 'twin-job'",
    });
    expect(put.status).toBe(200);
    expect((put.json as JobResponse).jobId).toBe('7001');
    const job = await untilFinished('7001');
    expect(job.deviceJobStatistics).toMatchObject({ deviceCount: 2, succeededCount: 2 });

    for (const id of ['tj-1', 'tj-2']) {
      const twin = (await hub.call('GET', `/twins/${id}`)).json as {
        tags: Record<string, unknown>;
        properties: { desired: Record<string, unknown> };
      };
      expect(twin.tags).toMatchObject({ fleet: 'twin-job', fw: '1.3' });
      expect(twin.properties.desired).toMatchObject({ interval: 30 });
    }
    const patch = await device.next('$iothub/twin/PATCH/properties/desired/');
    expect(JSON.parse(patch.payload.toString())).toMatchObject({ interval: 30 });
    const rows = await jobRows('7001');
    expect(rows.every((r) => r.status === 'completed' && r.outcome.deviceMethodResponse === null)).toBe(true);
  });

  it('schedules a job in the future and cancels it with POST …/cancel and no body', async () => {
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const put = await hub.call('PUT', '/jobs/v2/later', {
      jobId: 'later',
      type: 'scheduleUpdateTwin',
      updateTwin: { tags: { x: 1 } },
      startTime: start,
      maxExecutionTimeInSeconds: 600,
      queryCondition: '*',
    });
    expect(put.json).toMatchObject({ status: 'scheduled', startTime: start, maxExecutionTimeInSeconds: 600 });
    const cancel = await hub.call('POST', '/jobs/v2/later/cancel');
    expect(cancel.status).toBe(200);
    expect(cancel.json).toMatchObject({ jobId: 'later', status: 'cancelled' });
    expect(((await getJob('later')).json as JobResponse).status).toBe('cancelled');
    expect(await jobRows('later')).toEqual([]);
  });

  it('lists jobs filtered by type and status, paged by header or by query parameter', async () => {
    for (const id of ['list-a', 'list-b', 'list-c']) {
      const res = await hub.call('PUT', `/jobs/v2/${id}`, {
        type: 'scheduleUpdateTwin',
        updateTwin: { tags: { listed: true } },
        startTime: new Date(Date.now() + 3_600_000).toISOString(),
        queryCondition: "deviceId = 'nobody'",
      });
      expect(res.status).toBe(200);
    }
    const seen: string[] = [];
    let continuation: string | undefined;
    do {
      const res = await hub.call(
        'GET',
        '/jobs/v2/query?jobType=scheduleUpdateTwin&jobStatus=scheduled',
        undefined,
        {
          'x-ms-max-item-count': '2',
          ...(continuation ? { 'x-ms-continuation': continuation } : {}),
        },
      );
      expect(res.status).toBe(200);
      expect(res.headers['x-ms-item-type']).toBe('jobResponse');
      seen.push(...(res.json as JobResponse[]).map((j) => j.jobId));
      continuation = res.headers['x-ms-continuation'] as string | undefined;
    } while (continuation);
    expect(seen).toEqual(['list-a', 'list-b', 'list-c']);

    const first = await hub.call('GET', '/jobs/v2/query?jobStatus=scheduled&pageSize=1');
    const token = first.headers['x-ms-continuation'] as string;
    expect((first.json as JobResponse[]).map((j) => j.jobId)).toEqual(['list-a']);
    const second = await hub.call(
      'GET',
      `/jobs/v2/query?jobStatus=scheduled&pageSize=1&continuationToken=${encodeURIComponent(token)}`,
    );
    expect((second.json as JobResponse[]).map((j) => j.jobId)).toEqual(['list-b']);
    const methods = await hub.call('GET', '/jobs/v2/query?jobType=scheduleDeviceMethod');
    expect((methods.json as JobResponse[]).map((j) => j.jobId)).toEqual(['50%-reboot']);
    expect(methods.headers['x-ms-continuation']).toBeUndefined();
  });

  it('answers 400 for a bad condition or patch, 409 for a duplicate id and 404 for an unknown job', async () => {
    const bad = await hub.call('PUT', '/jobs/v2/bad', {
      type: 'scheduleUpdateTwin',
      updateTwin: { tags: { a: 1 } },
      queryCondition: 'tags.site = = 1',
    });
    expect(bad.status).toBe(400);
    expect((bad.json as { Message: string }).Message).toMatch(/^ErrorCode:ArgumentInvalid;/);
    const reported = await hub.call('PUT', '/jobs/v2/bad', {
      type: 'scheduleUpdateTwin',
      updateTwin: { properties: { reported: { a: 1 } } },
      queryCondition: '*',
    });
    expect(reported.status).toBe(400);
    const badTime = await hub.call('PUT', '/jobs/v2/bad', {
      type: 'scheduleUpdateTwin',
      updateTwin: { tags: { a: 1 } },
      queryCondition: '*',
      startTime: 'tomorrow',
    });
    expect(badTime.status).toBe(400);
    expect((await getJob('bad')).status).toBe(404);

    const dup = await hub.call('PUT', '/jobs/v2/7001', {
      type: 'scheduleUpdateTwin',
      updateTwin: { tags: { a: 1 } },
      queryCondition: '*',
    });
    expect(dup.status).toBe(409);
    expect(dup.headers['iothub-errorcode']).toBe('JobAlreadyExists');
    expect((dup.json as { Message: string }).Message).toMatch(/^ErrorCode:JobAlreadyExists;/);

    const missing = await getJob('no-such-job');
    expect(missing.status).toBe(404);
    expect(missing.headers['iothub-errorcode']).toBe('JobNotFound');
    expect((await hub.call('POST', '/jobs/v2/no-such-job/cancel')).status).toBe(404);
  });

  it('needs RegistryWrite on every /jobs/v2 route (401 otherwise)', async () => {
    const reader = hub.runtime.hub.policies.get('registryRead');
    expect(reader).toBeDefined();
    const token = createSasToken({
      resourceUri: 'localhost',
      key: reader!.primaryKey,
      policyName: 'registryRead',
      expiresAt: Math.ceil(Date.now() / 1000) + 3600,
    });
    for (const [method, path] of [
      ['GET', '/jobs/v2/7001'],
      ['GET', '/jobs/v2/query'],
      ['POST', '/jobs/v2/7001/cancel'],
      ['PUT', '/jobs/v2/x'],
    ] as const) {
      const res = await hub.call(method, path, method === 'PUT' ? { queryCondition: '*' } : undefined, {
        authorization: token,
      });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });
});
