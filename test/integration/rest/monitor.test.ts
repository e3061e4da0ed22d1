import { rm } from 'node:fs/promises';
import { silentLogger } from '@outpost/core';
import { startEdgeRuntime } from '@outpost/edge-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDevice, deviceToken, type TestDevice } from '../../helpers/mqtt-device';
import { loginAs, operatorCall, TEST_ADMIN_PASSWORD } from '../../helpers/operator-client';
import { OWNER_KEY, startTestHub, type TestHub, testConfig } from '../../helpers/test-hub';

let hub: TestHub;
const tokens = { admin: '', operator: '', viewer: '' };
const devices: TestDevice[] = [];

beforeAll(async () => {
  hub = await startTestHub({}, { uiDir: false });
  tokens.admin = await loginAs(hub, 'admin', TEST_ADMIN_PASSWORD);
  for (const role of ['operator', 'viewer'] as const) {
    const body = { name: `mon-${role}`, role, password: `${role}-password-1` };
    await operatorCall(hub, { method: 'POST', path: '/api/v1/users', token: tokens.admin, body });
    tokens[role] = await loginAs(hub, body.name, body.password);
  }
  for (const [id, site] of [
    ['mon-1', 'lisbon'],
    ['mon-2', 'lisbon'],
    ['mon-3', 'porto'],
  ]) {
    const res = await hub.call('PUT', `/devices/${id}`, { body: {} });
    expect(res.status).toBe(200);
    await hub.call('PATCH', `/twins/${id}`, {
      body: { tags: { site } },
      headers: { 'if-match': '*' },
    });
  }
});
afterAll(async () => {
  for (const d of devices) await d.close().catch(() => {});
  await hub.runtime.close().catch(() => {});
  await rm(hub.dataDir, { recursive: true, force: true });
});

const call = (role: keyof typeof tokens, method: string, path: string, body?: unknown) =>
  operatorCall(hub, { method, path, token: tokens[role], ...(body !== undefined ? { body } : {}) });

async function connect(id: string): Promise<TestDevice> {
  const res = await hub.call('GET', `/devices/${id}`);
  const key = (res.json as { authentication: { symmetricKey: { primaryKey: string } } }).authentication
    .symmetricKey.primaryKey;
  const d = await connectDevice({
    url: hub.runtime.urls.mqtts,
    ca: hub.ca,
    deviceId: id,
    token: deviceToken({ host: 'localhost', deviceId: id, key }),
  });
  devices.push(d);
  return d;
}

describe('GET /api/v1/fleet/connections/history', () => {
  it('follows devices connecting and disconnecting', async () => {
    const before = await call('viewer', 'GET', '/api/v1/fleet/connections/history');
    expect(before.status).toBe(200);
    expect(before.json).toMatchObject({ connected: 0, windowMinutes: 60, resolution: 'sample' });
    const d1 = await connect('mon-1');
    await connect('mon-2');
    await expect
      .poll(async () => (await call('viewer', 'GET', '/api/v1/fleet/connections/history')).json)
      .toMatchObject({ connected: 2 });
    await d1.close();
    await expect
      .poll(async () => (await call('viewer', 'GET', '/api/v1/fleet/connections/history')).json)
      .toMatchObject({ connected: 1 });
    const h = (await call('viewer', 'GET', '/api/v1/fleet/connections/history?minutes=1440')).json as {
      resolution: string;
      points: { connected: number; max: number }[];
    };
    expect(h.resolution).toBe('minute');
    expect(Math.max(...h.points.map((p) => p.max))).toBe(2);
    expect((await call('viewer', 'GET', '/api/v1/fleet/connections/history?minutes=0')).status).toBe(400);
  });
});

describe('alert rules', () => {
  const lisbon = { name: 'Lisbon devices', condition: "tags.site = 'lisbon'", threshold: 1 };

  it('lets operators save rules, viewers read them, and evaluates them now', async () => {
    expect((await call('viewer', 'PUT', '/api/v1/alerts/rules/lisbon', lisbon)).status).toBe(403);
    const created = await call('operator', 'PUT', '/api/v1/alerts/rules/lisbon', lisbon);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      id: 'lisbon',
      kind: 'query',
      comparison: '>',
      threshold: 1,
      updatedBy: { type: 'user', id: 'mon-operator' },
    });
    const silent = { name: 'Quiet', kind: 'silent', silentMinutes: 15 };
    expect((await call('admin', 'PUT', '/api/v1/alerts/rules/quiet', silent)).status).toBe(201);
    expect((await call('operator', 'PUT', '/api/v1/alerts/rules/lisbon', lisbon)).status).toBe(200);

    const rules = await call('viewer', 'GET', '/api/v1/alerts/rules');
    expect((rules.json as { id: string }[]).map((r) => r.id)).toEqual(['lisbon', 'quiet']);
    expect((await call('viewer', 'GET', '/api/v1/alerts/rules/quiet')).json).toMatchObject({
      silentMinutes: 15,
    });
    expect((await call('viewer', 'GET', '/api/v1/alerts/rules/nope')).status).toBe(404);

    const now = await call('viewer', 'GET', '/api/v1/alerts');
    expect(now.status).toBe(200);
    expect(now.json).toMatchObject({
      firing: 1,
      alerts: [
        { rule: { id: 'lisbon' }, count: 2, deviceIds: ['mon-1', 'mon-2'], firing: true },
        { rule: { id: 'quiet' }, count: 0, firing: false },
      ],
    });
  });

  it('refuses rules that cannot run, saying what is wrong', async () => {
    const bad = await call('operator', 'PUT', '/api/v1/alerts/rules/bad', {
      name: 'bad',
      condition: "tags.site = 'lisbon' AND",
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/position/);
    const noName = await call('operator', 'PUT', '/api/v1/alerts/rules/bad', { condition: 'true' });
    expect(noName.status).toBe(400);
    expect(noName.text).toMatch(/name/);
    expect(
      (await call('operator', 'PUT', '/api/v1/alerts/rules/bad%20id', { name: 'x', condition: 'true' }))
        .status,
    ).toBe(400);
  });

  it('deletes rules (operators only); SAS policies with RegistryRead read them', async () => {
    expect((await call('viewer', 'DELETE', '/api/v1/alerts/rules/quiet')).status).toBe(403);
    expect((await call('operator', 'DELETE', '/api/v1/alerts/rules/quiet')).status).toBe(204);
    expect((await call('operator', 'DELETE', '/api/v1/alerts/rules/quiet')).status).toBe(404);
    const sas = await hub.call('GET', '/api/v1/alerts/rules?', { policy: 'registryRead' });
    expect(sas.status).toBe(200);
    expect((sas.json as { id: string }[]).map((r) => r.id)).toEqual(['lisbon']);
  });
});

describe('alert rules on disk', () => {
  it('are there again after a restart of the runtime', async () => {
    for (const d of devices.splice(0)) await d.close().catch(() => {});
    await hub.runtime.close();
    const again = await startEdgeRuntime(testConfig(hub.dataDir), {
      logger: silentLogger,
      ownerKey: OWNER_KEY,
      uiDir: false,
    });
    try {
      expect(again.hub.alerts.list().map((r) => r.id)).toEqual(['lisbon']);
      expect(again.hub.alerts.evaluate().alerts[0]).toMatchObject({ count: 2, firing: true });
    } finally {
      await again.close();
    }
  });
});
