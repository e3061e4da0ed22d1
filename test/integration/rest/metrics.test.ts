import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice, deviceToken, ridOf, type TestDevice } from '../../helpers/mqtt-device';
import { loginAs, operatorCall, TEST_ADMIN_PASSWORD } from '../../helpers/operator-client';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;
let device: TestDevice;

beforeAll(async () => {
  hub = await startTestHub();
  const res = await hub.call('PUT', '/devices/metrics-1', { body: {} });
  const key = (res.json as { authentication: { symmetricKey: { primaryKey: string } } }).authentication
    .symmetricKey.primaryKey;
  device = await connectDevice({
    url: hub.runtime.urls.mqtts,
    ca: hub.ca,
    deviceId: 'metrics-1',
    token: deviceToken({ host: 'localhost', deviceId: 'metrics-1', key }),
  });
});
afterAll(async () => {
  await device?.close();
  await hub.close();
});

/** Scrapes /metrics as the registryRead policy and parses `name{labels} value` lines. */
async function scrape(): Promise<Map<string, number>> {
  const res = await hub.call('GET', '/metrics', { policy: 'registryRead' });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of res.text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

const value = (m: Map<string, number>, key: string): number => {
  const v = m.get(key);
  if (v === undefined) throw new Error(`no sample ${key}`);
  return v;
};

async function until(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('GET /metrics', () => {
  it('is Prometheus text with HELP/TYPE lines and process health', async () => {
    const res = await hub.call('GET', '/metrics', { policy: 'registryRead' });
    expect(res.text).toContain('# TYPE outpost_devices_connected gauge');
    expect(res.text).toContain('# TYPE outpost_method_duration_seconds histogram');
    const m = await scrape();
    expect(value(m, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(m.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(value(m, 'outpost_devices')).toBe(1);
    expect(value(m, 'outpost_devices_connected')).toBe(1);
    expect(value(m, 'outpost_store_size_bytes')).toBeGreaterThan(0);
    expect(value(m, 'outpost_store_batch_commit_seconds_count')).toBeGreaterThan(0);
  });

  it('moves after telemetry, twin and method activity of a real MQTT device', async () => {
    const before = await scrape();
    await device.client.publishAsync('devices/metrics-1/messages/events/', '{"t":21}', { qos: 1 });
    expect((await device.patchReported({ temp: 21 })).status).toBe(204);
    expect(await device.subscribe('$iothub/twin/PATCH/properties/desired/#', 0)).toBe(0);
    expect(
      (await hub.call('PATCH', '/twins/metrics-1', { body: { properties: { desired: { x: 1 } } } })).status,
    ).toBe(200);
    expect(await device.subscribe('$iothub/methods/POST/#')).toBe(0);
    device.client.on('message', (topic) => {
      if (topic.startsWith('$iothub/methods/POST/')) {
        device.client.publish(`$iothub/methods/res/200/?$rid=${ridOf(topic)}`, '"ok"');
      }
    });
    const call = await hub.call('POST', '/twins/metrics-1/methods', { body: { methodName: 'ping' } });
    expect(call.status).toBe(200);
    await hub.call('POST', '/api/v1/devices/metrics-1/messages', { body: { body: 'hi' } });

    let after = before;
    await until(async () => {
      after = await scrape();
      return value(after, 'outpost_mqtt_messages_out_total{kind="desired"}') > 0;
    });
    const diff = (key: string) => value(after, key) - value(before, key);
    expect(diff('outpost_mqtt_messages_in_total{kind="telemetry"}')).toBe(1);
    expect(diff('outpost_mqtt_messages_in_total{kind="twin"}')).toBeGreaterThanOrEqual(1);
    expect(diff('outpost_twin_updates_total{section="reported"}')).toBe(1);
    expect(diff('outpost_twin_updates_total{section="desired"}')).toBe(1);
    expect(diff('outpost_mqtt_messages_out_total{kind="method"}')).toBe(1);
    expect(diff('outpost_method_duration_seconds_count')).toBe(1);
    expect(diff('outpost_method_calls_total{outcome="answered"}')).toBe(1);
    expect(value(after, 'outpost_method_duration_seconds_bucket{le="+Inf"}')).toBe(
      value(after, 'outpost_method_duration_seconds_count'),
    );
    // The device has not subscribed to C2D: the message waits in its queue.
    expect(value(after, 'outpost_c2d_queued')).toBe(1);
    expect(value(after, 'outpost_telemetry_outbox_records')).toBeGreaterThanOrEqual(1);
    expect(value(after, 'outpost_telemetry_outbox_bytes')).toBeGreaterThan(0);
  });

  it('counts an offline method call and a refused connect', async () => {
    const before = await scrape();
    await hub.call('PUT', '/devices/metrics-offline', { body: {} });
    const call = await hub.call('POST', '/twins/metrics-offline/methods', { body: { methodName: 'ping' } });
    expect(call.status).toBe(404);
    const bad = await connectDevice({
      url: hub.runtime.urls.mqtts,
      ca: hub.ca,
      deviceId: 'metrics-offline',
      token: deviceToken({
        host: 'localhost',
        deviceId: 'metrics-offline',
        key: Buffer.alloc(32).toString('base64'),
      }),
    }).catch(() => undefined);
    await bad?.close();
    const after = await scrape();
    expect(value(after, 'outpost_mqtt_connects_total{result="refused"}')).toBeGreaterThan(
      value(before, 'outpost_mqtt_connects_total{result="refused"}'),
    );
    expect(value(after, 'outpost_devices')).toBe(2);
  });

  it('needs RegistryRead or an operator login', async () => {
    expect((await operatorCall(hub, { method: 'GET', path: '/metrics?x=1' })).status).toBe(401);
    expect((await hub.call('GET', '/metrics', { policy: 'service' })).status).toBe(401);
    expect((await hub.call('GET', '/metrics', { policy: 'device' })).status).toBe(401);
    const token = await loginAs(hub, 'admin', TEST_ADMIN_PASSWORD);
    const res = await operatorCall(hub, { method: 'GET', path: '/metrics?x=1', token });
    expect(res.status).toBe(200);
    expect(res.text).toContain('outpost_jobs{status="running"}');
  });
});
