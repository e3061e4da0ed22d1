import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice, deviceToken, ridOf, type TestDevice } from '../../helpers/mqtt-device';
import { startTestHub, type TestHub } from '../../helpers/test-hub';
import { cleanEnv, connectionFlags, runOutpost } from './cli-harness';

let hub: TestHub;
let dir: string;
let env: NodeJS.ProcessEnv;
let device: TestDevice;
beforeAll(async () => {
  hub = await startTestHub();
  dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-cli-method-'));
  env = cleanEnv(path.join(dir, 'no-session.json'));
  const res = await hub.call('PUT', '/devices/m-online', { body: { deviceId: 'm-online' } });
  const key = (res.json as { authentication: { symmetricKey: { primaryKey: string } } }).authentication
    .symmetricKey.primaryKey;
  await hub.call('PUT', '/devices/m-offline', { body: { deviceId: 'm-offline' } });
  device = await connectDevice({
    url: hub.runtime.urls.mqtts,
    ca: hub.ca,
    deviceId: 'm-online',
    token: deviceToken({ host: 'localhost', deviceId: 'm-online', key }),
  });
  expect(await device.subscribe('$iothub/methods/POST/#')).toBe(0);
  // Echoes the method name and payload; `fail` answers 500.
  device.client.on('message', (topic, payload) => {
    if (!topic.startsWith('$iothub/methods/POST/')) return;
    const method = topic.split('/')[3];
    const status = method === 'fail' ? 500 : 200;
    const body = JSON.stringify({ method, got: JSON.parse(payload.toString()) });
    device.client.publish(`$iothub/methods/res/${status}/?$rid=${ridOf(topic)}`, body);
  });
});
afterAll(async () => {
  await device?.close();
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

const cs = (args: string[]) => runOutpost([...args, ...connectionFlags(hub)], env);

describe('outpost method invoke (real processes)', () => {
  it('calls a method on a connected MQTT device and prints its answer', async () => {
    const res = await cs(['method', 'invoke', 'm-online', 'reboot', '--payload', '{"delay":5}', '--json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ status: 200, payload: { method: 'reboot', got: { delay: 5 } } });
    const human = await cs(['method', 'invoke', 'm-online', 'ping']);
    expect(human.stdout).toMatch(/^status 200\n\{\n {2}"method": "ping",\n {2}"got": null\n\}\n$/);
  });

  it('exits 1 when the device answers an error status', async () => {
    const res = await cs(['method', 'invoke', 'm-online', 'fail', '--json']);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout).status).toBe(500);
    expect(res.stderr).toMatch(/m-online answered fail with status 500/);
  });

  it('fails clearly for an offline device', async () => {
    const res = await cs(['method', 'invoke', 'm-offline', 'reboot']);
    expect(res.code).not.toBe(0);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/HTTP 404 DeviceNotOnline/);
    expect(res.stderr).toMatch(/hint: m-offline is not connected/);
  });
});

describe('outpost job (real processes)', () => {
  it('schedules a method job and watches it to completion (exit 0)', async () => {
    const add = await cs([
      'job',
      'method',
      'job-m1',
      '--query',
      "deviceId = 'm-online'",
      '--method',
      'blink',
      '--payload',
      '{"n":2}',
    ]);
    expect(add.stderr).toBe('');
    expect(add.stdout).toMatch(
      /^job job-m1 \w+ \(scheduleDeviceMethod\); follow it with: outpost job watch job-m1$/m,
    );
    const watch = await cs(['job', 'watch', 'job-m1', '--interval', '0.2']);
    expect(watch.code).toBe(0);
    expect(watch.stdout.trim()).toBe(
      'job job-m1 completed: 1 succeeded, 0 failed, 0 running, 0 pending of 1',
    );
    // Not a TTY: plain progress lines instead of the bar.
    expect(watch.stderr).toMatch(/^job job-m1 completed: 1 succeeded/m);
    expect(watch.stderr).not.toContain('\x1b');

    const show = await cs(['job', 'show', 'job-m1', '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({
      jobId: 'job-m1',
      status: 'completed',
      cloudToDeviceMethod: { methodName: 'blink', payload: { n: 2 } },
    });
    const list = await cs(['job', 'list']);
    expect(list.stdout).toMatch(/^JOB\s+TYPE\s+STATUS/);
    expect(list.stdout).toMatch(/^job-m1\s+scheduleDeviceMethod\s+completed\s+1\s+1\s+0\s/m);
  });

  it('a twin job, and watch of a cancelled job exits 1', async () => {
    const twin = await cs([
      'job',
      'twin',
      'job-t1',
      '--query',
      '*',
      '--patch',
      '{"tags":{"wave":"1"}}',
      '--json',
    ]);
    expect(JSON.parse(twin.stdout)).toMatchObject({ jobId: 'job-t1', type: 'scheduleUpdateTwin' });
    expect((await cs(['job', 'watch', 'job-t1', '--interval', '0.2'])).code).toBe(0);
    expect(hub.runtime.hub.twins.get('m-offline').tags).toEqual({ wave: '1' });

    await cs([
      'job',
      'twin',
      'job-later',
      '--query',
      '*',
      '--patch',
      '{"tags":{"wave":"2"}}',
      '--start',
      '2099-01-01T00:00:00Z',
    ]);
    const watching = cs(['job', 'watch', 'job-later', '--interval', '0.2']);
    const cancel = await cs(['job', 'cancel', 'job-later']);
    expect(cancel.stdout).toMatch(/^job job-later cancelled/);
    const watched = await watching;
    expect(watched.code).toBe(1);
    expect(watched.stderr).toMatch(/outpost: job job-later cancelled/);

    const listed = await cs(['job', 'list', '--status', 'completed', '--json']);
    expect((JSON.parse(listed.stdout) as { jobId: string }[]).map((j) => j.jobId).sort()).toEqual([
      'job-m1',
      'job-t1',
    ]);
    const missing = await cs(['job', 'show', 'no-such-job']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/HTTP 404 JobNotFound/);
  });
});
