/**
 * The official azure-iothub Client.invokeDeviceMethod and JobClient (unmodified) against a real
 * runtime on :443, with a real MQTT device connected that answers methods, and one offline device.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompatHub, startCompatHub } from '../helpers/compat-hub';
import { type CompatRun, runCompatClient } from '../helpers/compat-runner';
import { connectDevice, deviceToken, ridOf, type TestDevice } from '../helpers/mqtt-device';

let hub: CompatHub;
let device: TestDevice;
let run: CompatRun;
const ONLINE = 'sdk-meth-on';
const OFFLINE = 'sdk-meth-off';

beforeAll(async () => {
  hub = await startCompatHub();
  const actor = { type: 'policy', id: 'iothubowner' } as const;
  const on = await hub.runtime.hub.registry.create({ deviceId: ONLINE }, actor);
  await hub.runtime.hub.registry.create({ deviceId: OFFLINE }, actor);
  const { readFile } = await import('node:fs/promises');
  device = await connectDevice({
    url: hub.runtime.urls.mqtts,
    ca: await readFile(hub.caPath, 'utf8'),
    deviceId: ONLINE,
    host: hub.address,
    token: deviceToken({
      host: hub.address,
      deviceId: ONLINE,
      key: on.authentication.symmetricKey.primaryKey!,
    }),
  });
  expect(await device.subscribe('$iothub/methods/POST/#')).toBe(0);
  expect(await device.subscribe('$iothub/twin/PATCH/properties/desired/#')).toBe(0);
  // Answers every method with 200 and echoes the payload, as a device app would.
  device.client.on('message', (topic, payload) => {
    if (!topic.startsWith('$iothub/methods/POST/')) return;
    const echo = { method: topic.split('/')[3], got: JSON.parse(payload.toString() || 'null') };
    device.client.publish(`$iothub/methods/res/200/?$rid=${ridOf(topic)}`, JSON.stringify(echo));
  });
  run = await runCompatClient('test/compat/clients/methods-client.ts', {
    env: { ...hub.childEnv(), OUTPOST_CS: hub.connectionString(), ONLINE, OFFLINE },
    timeoutMs: 120_000,
  });
}, 150_000);
afterAll(async () => {
  await device?.close();
  await hub?.close();
});

describe('azure-iothub direct methods and method jobs (unmodified) against Outpost on :443', () => {
  it('runs the whole scenario to the end', () => {
    expect(run.timedOut).toBe(false);
    run.ok('done');
  });

  it('invokeDeviceMethod reaches the connected device and returns its status and payload', () => {
    expect(run.ok('invokeOnline')).toEqual({ status: 200, payload: { method: 'ping', got: { n: 7 } } });
  });

  it('invokeDeviceMethod on an offline device fails with 404 DeviceNotOnline, without retrying', () => {
    const err = run.failed('invokeOffline');
    expect(err.statusCode).toBe(404);
    expect(String(err.responseBody)).toContain('ErrorCode:DeviceNotOnline');
  });

  it('a method job reaches the real device, and devices.jobs holds one row per device', () => {
    expect(run.ok('scheduleMethodJob')).toBe('sdk-ping-job');
    expect(run.ok<Record<string, unknown>>('methodJobDone')).toMatchObject({
      status: 'completed',
      deviceJobStatistics: { deviceCount: 2, succeededCount: 1, failedCount: 1 },
    });
    expect(run.ok('jobRows')).toEqual([
      { deviceId: OFFLINE, status: 'failed', outcome: expect.anything(), code: 'DeviceNotOnline' },
      {
        deviceId: ONLINE,
        status: 'completed',
        outcome: { deviceMethodResponse: { status: 200, payload: { method: 'ping', got: { n: 1 } } } },
        code: undefined,
      },
    ]);
  });

  it('a twin job reaches the connected device as a desired-property patch', async () => {
    expect(run.ok<Record<string, unknown>>('twinJobDone')).toMatchObject({
      status: 'completed',
      deviceJobStatistics: { deviceCount: 1, succeededCount: 1 },
    });
    const patch = await device.next('$iothub/twin/PATCH/properties/desired/');
    expect(JSON.parse(patch.payload.toString())).toMatchObject({ jobSet: 42 });
  });
});
