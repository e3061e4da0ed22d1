/**
 * Configurations over REST against a real runtime: a real MQTT device subscribed to desired
 * properties receives what the configuration targeting it sets, and follows its tags to another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestResponse } from '../../helpers/https-client';
import { connectDevice, deviceToken, type TestDevice } from '../../helpers/mqtt-device';
import { startTestHub, type TestHub } from '../../helpers/test-hub';
import { startMqttTestHub } from '../mqtt/mqtt-hub';

const DESIRED_TOPIC = '$iothub/twin/PATCH/properties/desired/';

type Configuration = {
  id: string;
  etag: string;
  priority: number;
  content: { deviceContent: Record<string, unknown> };
  systemMetrics: { queries: Record<string, string>; results: Record<string, number> };
  metrics: { queries: Record<string, string>; results: Record<string, number> };
};

let hub: TestHub;
let device: TestDevice;

async function createDevice(id: string, tags: Record<string, unknown>): Promise<string> {
  const res = await hub.call('PUT', `/devices/${id}`, { body: { deviceId: id } });
  expect(res.status).toBe(200);
  const patched = await hub.call('PATCH', `/twins/${id}`, { body: { tags }, headers: { 'if-match': '*' } });
  expect(patched.status).toBe(200);
  return (res.json as { authentication: { symmetricKey: { primaryKey: string } } }).authentication
    .symmetricKey.primaryKey;
}

function expectError(res: TestResponse, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect((res.json as { Message: string }).Message).toMatch(new RegExp(`^ErrorCode:${code};[^;]+$`));
}

/** Polls until `check` passes (evaluation runs shortly after a change, not within the request). */
async function eventually(check: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const metricsOf = async (id: string) =>
  ((await hub.call('GET', `/configurations/${id}`)).json as Configuration).systemMetrics.results;

/** The next desired notification's body, without `$version`. */
async function nextDesired(): Promise<Record<string, unknown>> {
  const msg = await device.next(DESIRED_TOPIC);
  const { $version: _v, ...body } = JSON.parse(msg.payload.toString()) as Record<string, unknown>;
  return body;
}

beforeAll(async () => {
  hub = await startTestHub();
  const key = await createDevice('cfg-dev', { ring: 'canary' });
  await createDevice('cfg-other', { ring: 'stable' });
  device = await connectDevice({
    url: hub.runtime.urls.mqtts,
    ca: hub.ca,
    deviceId: 'cfg-dev',
    token: deviceToken({ host: 'localhost', deviceId: 'cfg-dev', key }),
  });
  await device.subscribe('$iothub/twin/res/#');
  await device.getTwin();
  await device.subscribe('$iothub/twin/PATCH/properties/desired/#');
});
afterAll(async () => {
  await device?.close();
  await hub?.close();
});

describe('configurations over REST', () => {
  it('creates a configuration (200) and the targeted device receives its desired patch', async () => {
    const res = await hub.call('PUT', '/configurations/canary', {
      body: {
        id: 'canary',
        content: {
          deviceContent: {
            'properties.desired.fw': { version: '2.0-rc' },
            'properties.desired.canary': true,
          },
        },
        targetCondition: "tags.ring = 'canary'",
        priority: 10,
        labels: { ring: 'canary' },
        metrics: {
          queries: { reported: 'SELECT deviceId FROM devices WHERE IS_DEFINED(properties.reported.fw)' },
        },
      },
    });
    expect(res.status).toBe(200);
    const created = res.json as Configuration & Record<string, unknown>;
    expect(created).toMatchObject({
      id: 'canary',
      schemaVersion: '1.0',
      priority: 10,
      labels: { ring: 'canary' },
    });
    expect(res.headers.etag).toBe(`"${created.etag}"`);
    expect(created.systemMetrics.queries).toEqual({
      targetedCount: "select deviceId from devices where tags.ring = 'canary'",
      appliedCount: "select deviceId from devices where configurations.[[canary]].status = 'Applied'",
    });

    expect(await nextDesired()).toEqual({ fw: { version: '2.0-rc' }, canary: true });
    await eventually(async () =>
      expect(await metricsOf('canary')).toEqual({ targetedCount: 1, appliedCount: 1 }),
    );
    const twin = (await hub.call('GET', '/twins/cfg-dev')).json as Record<string, unknown>;
    expect(twin.configurations).toEqual({ canary: { status: 'Applied' } });
  });

  it('moves the device to another configuration when its tag changes', async () => {
    const stable = await hub.call('PUT', '/configurations/stable', {
      body: {
        content: { deviceContent: { 'properties.desired.fw': { version: '1.9' } } },
        targetCondition: "tags.ring = 'stable'",
        priority: 10,
      },
    });
    expect(stable.status).toBe(200);
    await eventually(async () =>
      expect(await metricsOf('stable')).toEqual({ targetedCount: 1, appliedCount: 1 }),
    );

    const patched = await hub.call('PATCH', '/twins/cfg-dev', {
      body: { tags: { ring: 'stable' } },
      headers: { 'if-match': '*' },
    });
    expect(patched.status).toBe(200);
    expect(await nextDesired()).toEqual({ fw: { version: '1.9' }, canary: null });
    await eventually(async () => {
      expect(await metricsOf('stable')).toEqual({ targetedCount: 2, appliedCount: 2 });
      expect(await metricsOf('canary')).toEqual({ targetedCount: 0, appliedCount: 0 });
    });
    const twin = (await hub.call('GET', '/twins/cfg-dev')).json as {
      configurations: unknown;
      properties: { desired: Record<string, unknown> };
    };
    expect(twin.configurations).toEqual({ stable: { status: 'Applied' } });
    expect(twin.properties.desired.fw).toEqual({ version: '1.9' });
    expect(twin.properties.desired).not.toHaveProperty('canary');
  });

  it('updates with If-Match, refuses a stale etag (412) and changed content (400)', async () => {
    const current = (await hub.call('GET', '/configurations/canary')).json as Configuration;
    const updated = await hub.call('PUT', '/configurations/canary', {
      body: { ...current, priority: 20 },
      headers: { 'if-match': `"${current.etag}"` },
    });
    expect(updated.status).toBe(200);
    expect((updated.json as Configuration).priority).toBe(20);

    const stale = await hub.call('PUT', '/configurations/canary', {
      body: { ...current, priority: 30 },
      headers: { 'if-match': `"${current.etag}"` },
    });
    expectError(stale, 412, 'PreconditionFailed');

    const immutable = await hub.call('PUT', '/configurations/canary', {
      body: { ...current, content: { deviceContent: { 'properties.desired.fw': 'other' } } },
      headers: { 'if-match': '"*"' },
    });
    expectError(immutable, 400, 'CannotModifyImmutableConfigurationContent');
  });

  it('answers errors in the IoT Hub shape', async () => {
    const body = { content: { deviceContent: { 'properties.desired.x': 1 } }, targetCondition: '*' };
    expectError(await hub.call('PUT', '/configurations/canary', { body }), 409, 'ConfigurationAlreadyExists');
    expectError(await hub.call('PUT', '/configurations/Bad-Id', { body }), 400, 'ArgumentInvalid');
    expectError(
      await hub.call('PUT', `/configurations/${encodeURIComponent('a<b')}`, { body }),
      400,
      'ArgumentInvalid',
    );
    expectError(
      await hub.call('PUT', '/configurations/bad-cond', { body: { ...body, targetCondition: 'tags.x =' } }),
      400,
      'ArgumentInvalid',
    );
    expectError(await hub.call('GET', '/configurations/missing'), 404, 'ConfigurationNotFound');
    expectError(await hub.call('DELETE', '/configurations/missing'), 404, 'ConfigurationNotFound');
  });

  it('needs RegistryRead to read and RegistryWrite to change', async () => {
    expect((await hub.call('GET', '/configurations', { policy: 'registryRead' })).status).toBe(200);
    expectError(
      await hub.call('GET', '/configurations', { policy: 'service' }),
      401,
      'IotHubUnauthorizedAccess',
    );
    expectError(
      await hub.call('DELETE', '/configurations/canary', { policy: 'registryRead' }),
      401,
      'IotHubUnauthorizedAccess',
    );
  });

  it('lists (with top) and deletes (204), removing the content from the device', async () => {
    const list = await hub.call('GET', '/configurations');
    expect((list.json as Configuration[]).map((c) => c.id)).toEqual(['canary', 'stable']);
    const top = await hub.call('GET', '/configurations?api-version=2021-04-12&top=1');
    expect((top.json as Configuration[]).map((c) => c.id)).toEqual(['canary']);

    const del = await hub.call('DELETE', '/configurations/stable');
    expect(del.status).toBe(204);
    expect(await nextDesired()).toEqual({ fw: null });
    expectError(await hub.call('GET', '/configurations/stable'), 404, 'ConfigurationNotFound');
    await eventually(async () => {
      const twin = (await hub.call('GET', '/twins/cfg-dev')).json as Record<string, unknown>;
      expect(twin).not.toHaveProperty('configurations');
    });
  });
});

describe('configurations on disk', () => {
  it('keeps configurations, their etags and the twin markers across a restart', async () => {
    const disk = await startMqttTestHub();
    try {
      await disk.createDevice('keep-1');
      const body = { content: { deviceContent: { 'properties.desired.mode': 'eco' } }, targetCondition: '*' };
      const created = (await disk.call('PUT', '/configurations/kept', body)).json as Configuration;
      await disk.runtime.hub.configurations.evaluate();
      await disk.restart();
      const after = await disk.call('GET', '/configurations/kept');
      expect(after.status).toBe(200);
      expect(after.json).toMatchObject({
        etag: created.etag,
        systemMetrics: { results: { appliedCount: 1 } },
      });
      const twin = (await disk.call('GET', '/twins/keep-1')).json as Record<string, unknown>;
      expect(twin.configurations).toEqual({ kept: { status: 'Applied' } });
    } finally {
      await disk.close();
    }
  });
});
