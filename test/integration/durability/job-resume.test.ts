import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSasToken, type DeviceJobRow, type JobResponse } from '@outpost/core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { httpsRequest } from '../../helpers/https-client';
import { type HubProcess, startHubProcess } from '../../helpers/hub-process';
import { connectDevice, deviceToken, ridOf, type TestDevice } from '../../helpers/mqtt-device';
import { OWNER_KEY } from '../../helpers/test-hub';
import { startMqttTestHub } from '../mqtt/mqtt-hub';

const dirs: string[] = [];
const open: TestDevice[] = [];
const hubs: HubProcess[] = [];
afterAll(async () => {
  for (const d of open) await d.close().catch(() => undefined);
  for (const h of hubs) if (h.child.exitCode === null) await h.kill('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function ownerToken(): string {
  return createSasToken({
    resourceUri: 'localhost',
    key: OWNER_KEY,
    policyName: 'iothubowner',
    expiresAt: Math.ceil(Date.now() / 1000) + 3600,
  });
}

/** A hub child process with helpers for its API and its MQTT endpoint. */
async function startHub(dataDir: string) {
  const proc = await startHubProcess(dataDir);
  hubs.push(proc);
  const ca = await readFile(path.join(dataDir, 'tls/ca.pem'), 'utf8');
  // The start banner arrives in chunks: the MQTT line may follow the HTTPS line the helper waited for.
  let mqtts: string | undefined;
  await vi.waitFor(
    () => {
      mqtts = /MQTT \(TLS\)\s+(mqtts:\/\/\S+)/.exec(proc.stdout())?.[1];
      if (!mqtts) throw new Error(`no MQTT endpoint yet in:\n${proc.stdout()}`);
    },
    { timeout: 5_000, interval: 20 },
  );
  const call = (method: string, p: string, body?: unknown) =>
    httpsRequest({
      method,
      url: `${proc.httpsUrl}${p}${p.includes('?') ? '&' : '?'}api-version=2021-04-12`,
      ca,
      headers: { authorization: ownerToken() },
      ...(body !== undefined ? { body } : {}),
    });
  return { proc, ca, mqtts: mqtts as string, call };
}
type Hub = Awaited<ReturnType<typeof startHub>>;

/** Method calls each device received, over every hub it was connected to. */
const calls = new Map<string, number>();

/** Connects a device that answers every method with 200 and counts what it got. */
async function connectAnswering(hub: Hub, deviceId: string, key: string): Promise<TestDevice> {
  const device = await connectDevice({
    url: hub.mqtts,
    ca: hub.ca,
    deviceId,
    token: deviceToken({ host: 'localhost', deviceId, key }),
  });
  open.push(device);
  device.client.on('message', (topic) => {
    if (!topic.startsWith('$iothub/methods/POST/')) return;
    calls.set(deviceId, (calls.get(deviceId) ?? 0) + 1);
    device.client.publish(`$iothub/methods/res/200/?$rid=${ridOf(topic)}`, JSON.stringify({ ok: deviceId }));
  });
  expect(await device.subscribe('$iothub/methods/POST/#')).toBe(0);
  return device;
}

async function createDevices(hub: Hub, ids: string[]): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const id of ids) {
    const res = await hub.call('PUT', `/devices/${id}`, { deviceId: id });
    expect(res.status).toBe(200);
    keys.set(
      id,
      (res.json as { authentication: { symmetricKey: { primaryKey: string } } }).authentication.symmetricKey
        .primaryKey,
    );
  }
  return keys;
}

async function job(hub: Hub, jobId: string): Promise<JobResponse> {
  const res = await hub.call('GET', `/jobs/v2/${jobId}`);
  expect(res.status).toBe(200);
  return res.json as JobResponse;
}

async function rowsOf(hub: Hub, jobId: string): Promise<DeviceJobRow[]> {
  const res = await hub.call('POST', '/devices/query', {
    query: `SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '${jobId}'`,
  });
  expect(res.status).toBe(200);
  return res.json as DeviceJobRow[];
}

async function closeAll(): Promise<void> {
  for (const d of open.splice(0)) await d.close().catch(() => undefined);
}

describe('jobs across kill -9', () => {
  it('a running method job resumes after kill -9: every device ends once, done ones are not called again', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'outpost-job-kill9-'));
    dirs.push(dataDir);
    const online = ['jk-0', 'jk-1', 'jk-2', 'jk-3', 'jk-4'];
    const offline = ['jk-5', 'jk-6', 'jk-7', 'jk-8', 'jk-9'];
    const first = await startHub(dataDir);
    const keys = await createDevices(first, [...online, ...offline]);
    for (const id of online) await connectAnswering(first, id, keys.get(id)!);

    // The offline half makes the job wait: their calls sit in the connect timeout when the hub dies.
    const put = await first.call('PUT', '/jobs/v2/fw-rollout', {
      jobId: 'fw-rollout',
      type: 'scheduleDeviceMethod',
      cloudToDeviceMethod: {
        methodName: 'upgrade',
        payload: { to: '2.0' },
        responseTimeoutInSeconds: 10,
        connectTimeoutInSeconds: 120,
      },
      startTime: null,
      queryCondition: "STARTSWITH(deviceId, 'jk-')",
    });
    expect(put.status).toBe(200);
    await vi.waitFor(
      async () => {
        expect((await job(first, 'fw-rollout')).deviceJobStatistics).toMatchObject({
          deviceCount: 10,
          succeededCount: 5,
          runningCount: 5,
        });
      },
      { timeout: 15_000, interval: 100 },
    );
    // Past the row write batching (200 ms): the five answers are on disk.
    await new Promise((r) => setTimeout(r, 1_000));
    await first.proc.kill('SIGKILL');
    await closeAll();

    const second = await startHub(dataDir);
    const resumed = await job(second, 'fw-rollout');
    expect(resumed.status).toBe('running');
    expect(resumed.deviceJobStatistics).toMatchObject({ deviceCount: 10, succeededCount: 5 });
    for (const id of [...online, ...offline]) await connectAnswering(second, id, keys.get(id)!);

    await vi.waitFor(async () => expect((await job(second, 'fw-rollout')).status).toBe('completed'), {
      timeout: 30_000,
      interval: 200,
    });
    const done = await job(second, 'fw-rollout');
    expect(done.deviceJobStatistics).toEqual({
      deviceCount: 10,
      succeededCount: 10,
      failedCount: 0,
      runningCount: 0,
      pendingCount: 0,
    });
    const rows = await rowsOf(second, 'fw-rollout');
    expect(rows.map((r) => r.deviceId)).toEqual([...online, ...offline]);
    expect(rows.every((r) => r.status === 'completed')).toBe(true);
    for (const id of [...online, ...offline]) expect(calls.get(id), `calls of ${id}`).toBe(1);
    await closeAll();
    expect(await second.proc.kill('SIGTERM')).toBe(0);
  }, 90_000);

  it('a job scheduled a few seconds ahead still runs once after kill -9 right after it was accepted', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'outpost-job-sched-'));
    dirs.push(dataDir);
    const ids = ['js-0', 'js-1', 'js-2'];
    const first = await startHub(dataDir);
    const keys = await createDevices(first, ids);
    const put = await first.call('PUT', '/jobs/v2/nightly', {
      jobId: 'nightly',
      type: 'scheduleDeviceMethod',
      cloudToDeviceMethod: {
        methodName: 'report',
        payload: null,
        responseTimeoutInSeconds: 10,
        connectTimeoutInSeconds: 60,
      },
      startTime: new Date(Date.now() + 4_000).toISOString(),
      queryCondition: "STARTSWITH(deviceId, 'js-')",
    });
    expect(put.json).toMatchObject({ status: 'scheduled' });
    await first.proc.kill('SIGKILL');

    const second = await startHub(dataDir);
    expect((await job(second, 'nightly')).status).toBe('scheduled');
    for (const id of ids) await connectAnswering(second, id, keys.get(id)!);
    await vi.waitFor(async () => expect((await job(second, 'nightly')).status).toBe('completed'), {
      timeout: 30_000,
      interval: 200,
    });
    expect((await job(second, 'nightly')).deviceJobStatistics).toMatchObject({
      deviceCount: 3,
      succeededCount: 3,
    });
    for (const id of ids) expect(calls.get(id), `calls of ${id}`).toBe(1);
    await closeAll();
    expect(await second.proc.kill('SIGTERM')).toBe(0);
  }, 60_000);
});

describe('jobs across a clean restart', () => {
  it('calls cut off by the stopping gateway are not failed: they run again after the restart', async () => {
    const hub = await startMqttTestHub();
    const ids = ['jr-0', 'jr-1', 'jr-2', 'jr-3'];
    const received = new Map<string, number>();
    const keys = new Map<string, string>();
    const connectSlow = async (id: string) => {
      const device = await hub.connect(id, keys.get(id)!);
      open.push(device);
      device.client.on('message', (topic) => {
        if (!topic.startsWith('$iothub/methods/POST/')) return;
        received.set(id, (received.get(id) ?? 0) + 1);
        // Answers late, so the call is still in flight when the hub stops.
        setTimeout(() => device.client.publish(`$iothub/methods/res/200/?$rid=${ridOf(topic)}`, '{}'), 1_500);
      });
      await device.subscribe('$iothub/methods/POST/#');
    };
    try {
      for (const id of ids) keys.set(id, await hub.createDevice(id));
      for (const id of ids) await connectSlow(id);
      const put = await hub.call('PUT', '/jobs/v2/graceful', {
        type: 'scheduleDeviceMethod',
        cloudToDeviceMethod: { methodName: 'slow', payload: null, responseTimeoutInSeconds: 10 },
        queryCondition: "STARTSWITH(deviceId, 'jr-')",
      });
      expect(put.status).toBe(200);
      await vi.waitFor(() => expect(received.size).toBe(4), { timeout: 10_000, interval: 50 });

      // Devices still connected: the stopping gateway ends their calls and then their connections.
      await hub.restart();
      await closeAll();
      const resumed = (await hub.call('GET', '/jobs/v2/graceful')).json as JobResponse;
      expect(resumed.status).toBe('running');
      expect(resumed.deviceJobStatistics).toMatchObject({ deviceCount: 4, pendingCount: 4, failedCount: 0 });
      for (const id of ids) await connectSlow(id);
      await vi.waitFor(
        async () =>
          expect(((await hub.call('GET', '/jobs/v2/graceful')).json as JobResponse).status).toBe('completed'),
        { timeout: 30_000, interval: 200 },
      );
      const done = (await hub.call('GET', '/jobs/v2/graceful')).json as JobResponse;
      expect(done.deviceJobStatistics).toMatchObject({ succeededCount: 4, failedCount: 0 });
      // At least once: a call in flight at the stop is made again.
      for (const id of ids) expect(received.get(id), id).toBe(2);
    } finally {
      await closeAll();
      await hub.close();
    }
  }, 60_000);
});
