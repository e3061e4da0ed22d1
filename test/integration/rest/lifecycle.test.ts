import type { DeviceOperationView, FleetSummary, JobResponse } from '@outpost/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditItems, errorCodeOf as errorCode, roleTokens } from '../../helpers/fleet-client';
import { connackCode, deviceToken, type TestDevice } from '../../helpers/mqtt-device';
import { answerOperations } from '../../helpers/operation-responder';
import { operatorCall } from '../../helpers/operator-client';
import { type MqttTestHub, startMqttTestHub } from '../mqtt/mqtt-hub';

type Role = 'admin' | 'operator' | 'viewer';
let hub: MqttTestHub;
const tokens: Record<Role, string> = { admin: '', operator: '', viewer: '' };
const devices: TestDevice[] = [];

beforeAll(async () => {
  hub = await startMqttTestHub();
  Object.assign(tokens, await roleTokens(hub));
});
afterAll(async () => {
  for (const d of devices) await d.close().catch(() => undefined);
  await hub.close();
});

const call = (role: Role, method: string, path: string, body?: unknown) =>
  operatorCall(hub, { method, path, token: tokens[role], ...(body !== undefined ? { body } : {}) });
const mqttUrl = () => hub.runtime.urls.mqtts;
const auditOf = (deviceId: string, kind: string) => auditItems(hub, tokens.viewer, deviceId, kind);

/** A device that answers reboot/factoryReset with 200 and reports progress the way the simulator does. */
async function operableDevice(deviceId: string, tags: Record<string, unknown> = {}): Promise<TestDevice> {
  const key = await hub.createDevice(deviceId);
  await hub.call('PATCH', `/twins/${deviceId}`, { tags }, { 'if-match': '*' });
  const device = await hub.connect(deviceId, key);
  devices.push(device);
  expect(await device.subscribe('$iothub/twin/res/#')).toBe(0);
  answerOperations(device);
  expect(await device.subscribe('$iothub/methods/POST/#')).toBe(0);
  return device;
}

describe('retire: disable, enable, rotate-keys, revoke', () => {
  it('disables with a reason and enables, audited with the operator as actor', async () => {
    await hub.createDevice('life-1');
    const off = await call('operator', 'POST', '/api/v1/devices/life-1/disable', { reason: 'stolen' });
    expect(off.status).toBe(200);
    expect(off.json).toMatchObject({ status: 'disabled', statusReason: 'stolen' });
    const on = await call('operator', 'POST', '/api/v1/devices/life-1/enable');
    expect(on.json).toMatchObject({ status: 'enabled', statusReason: null });
    const entries = await auditOf('life-1', 'deviceUpdated');
    expect(entries.map((e) => e.actor)).toEqual([
      { type: 'user', id: 'op1' },
      { type: 'user', id: 'op1' },
    ]);
    expect(entries[0]?.patch).toMatchObject({ status: 'disabled' });
  });

  it('rotates keys: the live connection drops, the old key stops working, the new one works', async () => {
    const oldKey = await hub.createDevice('life-2');
    const device = await hub.connect('life-2', oldKey);
    const res = await call('operator', 'POST', '/api/v1/devices/life-2/rotate-keys');
    expect(res.status).toBe(200);
    const newKey = (res.json as { authentication: { symmetricKey: { primaryKey: string } } }).authentication
      .symmetricKey.primaryKey;
    expect(newKey).not.toBe(oldKey);
    await device.closed;
    const connect = (key: string) =>
      connackCode({
        url: mqttUrl(),
        ca: hub.ca,
        deviceId: 'life-2',
        token: deviceToken({ host: 'localhost', deviceId: 'life-2', key }),
      });
    expect(await connect(oldKey)).not.toBe(0);
    expect(await connect(newKey)).toBe(0);
    expect((await auditOf('life-2', 'deviceUpdated'))[0]?.patch).toMatchObject({ keysRotated: true });
  });

  it('revokes every credential (authentication none) until keys are rotated in again', async () => {
    const key = await hub.createDevice('life-3');
    const res = await call('operator', 'POST', '/api/v1/devices/life-3/revoke');
    expect((res.json as { authentication: { type: string } }).authentication.type).toBe('none');
    const token = deviceToken({ host: 'localhost', deviceId: 'life-3', key });
    expect(await connackCode({ url: mqttUrl(), ca: hub.ca, deviceId: 'life-3', token })).not.toBe(0);
    const cs = await call('operator', 'GET', '/api/v1/devices/life-3/connection-string');
    expect([cs.status, errorCode(cs.text)]).toEqual([400, 'ArgumentInvalid']);
    const again = await call('operator', 'POST', '/api/v1/devices/life-3/rotate-keys');
    expect((again.json as { authentication: { type: string } }).authentication.type).toBe('sas');
    const updates = await auditOf('life-3', 'deviceUpdated');
    expect(updates.map((e) => e.actor.id)).toEqual(['op1', 'op1']);
  });

  it('lets viewers read but not act, and refuses unknown devices', async () => {
    for (const step of ['disable', 'enable', 'rotate-keys', 'revoke', 'reboot', 'factory-reset']) {
      const res = await call('viewer', 'POST', `/api/v1/devices/life-1/${step}`);
      expect([step, res.status, errorCode(res.text)]).toEqual([step, 403, 'Forbidden']);
      const missing = await call('operator', 'POST', `/api/v1/devices/nope/${step}`);
      expect([step, missing.status, errorCode(missing.text)]).toEqual([step, 404, 'DeviceNotFound']);
    }
    const noLogin = await operatorCall(hub, { method: 'POST', path: '/api/v1/devices/life-1/disable' });
    expect(noLogin.status).toBe(401);
  });
});

describe('retire: replace, delete with archive', () => {
  it('replaces a device: the new one takes tags and desired, the old one is disabled and kept', async () => {
    await hub.createDevice('life-old');
    await hub.call(
      'PATCH',
      '/twins/life-old',
      { tags: { site: 'north' }, properties: { desired: { fw: '2.0' } } },
      { 'if-match': '*' },
    );
    const res = await call('operator', 'POST', '/api/v1/devices/life-old/replace', {
      newDeviceId: 'life-new',
    });
    expect(res.status).toBe(201);
    const body = res.json as {
      device: { deviceId: string; authentication: { symmetricKey: { primaryKey: string } } };
      replacedDeviceId: string;
    };
    expect(body.device.deviceId).toBe('life-new');
    expect(body.device.authentication.symmetricKey.primaryKey).toBeTruthy();
    const twin = (await hub.call('GET', '/twins/life-new')).json as {
      tags: unknown;
      properties: { desired: { fw: string } };
    };
    expect(twin.tags).toEqual({ site: 'north' });
    expect(twin.properties.desired.fw).toBe('2.0');
    const old = (await hub.call('GET', '/devices/life-old')).json;
    expect(old).toMatchObject({ status: 'disabled', statusReason: 'replaced by life-new' });
    expect((await auditOf('life-new', 'deviceCreated'))[0]?.actor).toEqual({ type: 'user', id: 'op1' });

    const taken = await call('operator', 'POST', '/api/v1/devices/life-1/replace', {
      newDeviceId: 'life-new',
    });
    expect([taken.status, errorCode(taken.text)]).toEqual([409, 'DeviceAlreadyExists']);
    expect((await hub.call('GET', '/devices/life-1')).json).toMatchObject({ status: 'enabled' });
    for (const body of [undefined, {}, { newDeviceId: 7 }, { newDeviceId: 'life-1' }]) {
      const bad = await call('operator', 'POST', '/api/v1/devices/life-1/replace', body);
      expect([bad.status, errorCode(bad.text)]).toEqual([400, 'ArgumentInvalid']);
    }
    const notObject = await call('operator', 'POST', '/api/v1/devices/life-1/replace', [1]);
    expect([notObject.status, errorCode(notObject.text)]).toEqual([400, 'IotHubFormatError']);
  });

  it('deletes into the archive by default; a hard delete needs admin', async () => {
    await hub.createDevice('life-arch');
    await hub.call('PATCH', '/twins/life-arch', { tags: { site: 'south' } }, { 'if-match': '*' });
    expect((await call('viewer', 'DELETE', '/api/v1/devices/life-arch')).status).toBe(403);
    const res = await call('operator', 'DELETE', '/api/v1/devices/life-arch');
    expect(res.status).toBe(200);
    expect((await hub.call('GET', '/devices/life-arch')).status).toBe(404);
    const archived = await call('viewer', 'GET', '/api/v1/archive/devices/life-arch');
    expect(archived.json).toMatchObject({
      deviceId: 'life-arch',
      archivedBy: { type: 'user', id: 'op1' },
      twin: { tags: { site: 'south' } },
      identity: { authentication: { symmetricKey: { primaryKey: null } } },
    });
    const list = (await call('viewer', 'GET', '/api/v1/archive/devices')).json as { deviceId: string }[];
    expect(list.map((d) => d.deviceId)).toContain('life-arch');
    const [deleted] = await auditOf('life-arch', 'deviceDeleted');
    expect(deleted?.actor).toEqual({ type: 'user', id: 'op1' });
    expect(deleted?.patch).toMatchObject({ archived: true });

    await hub.createDevice('life-hard');
    expect((await call('operator', 'DELETE', '/api/v1/devices/life-hard?archive=false')).status).toBe(403);
    expect((await call('admin', 'DELETE', '/api/v1/devices/life-hard?archive=false')).status).toBe(204);
    expect((await call('viewer', 'GET', '/api/v1/archive/devices/life-hard')).status).toBe(404);
    const bad = await call('admin', 'DELETE', '/api/v1/devices/life-1?archive=maybe');
    expect([bad.status, errorCode(bad.text)]).toEqual([400, 'ArgumentInvalid']);
    const missing = await call('operator', 'DELETE', '/api/v1/devices/nope');
    expect([missing.status, errorCode(missing.text)]).toEqual([404, 'DeviceNotFound']);
  });
});

describe('configure: reboot and factory reset', () => {
  const view = async (id: string) =>
    (await call('viewer', 'GET', `/api/v1/devices/${id}/operations`)).json as DeviceOperationView;

  it('reboots one device and follows the progress it reports', async () => {
    await operableDevice('op-1');
    expect((await view('op-1')).phase).toBe('none');
    const res = await call('operator', 'POST', '/api/v1/devices/op-1/reboot', { payload: { delay: 0 } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ operation: 'reboot', state: 'answered', result: { status: 200 } });
    await vi.waitFor(async () => expect((await view('op-1')).phase).toBe('done'), { timeout: 10_000 });
    const done = await view('op-1');
    expect(done.lastOperation).toMatchObject({
      operation: 'reboot',
      jobId: null,
      requestedBy: { type: 'user', id: 'op1' },
    });
    expect(done.reported.rebootStatus).toMatchObject({ status: 'done' });
    const [entry] = await auditOf('op-1', 'deviceOperationInvoked');
    expect(entry?.actor).toEqual({ type: 'user', id: 'op1' });
    expect(entry?.patch).toMatchObject({ operation: 'reboot', methodName: 'reboot', status: 200 });

    const reset = await call('admin', 'POST', '/api/v1/devices/op-1/factory-reset');
    expect(reset.json).toMatchObject({ operation: 'factory-reset', state: 'answered' });
    await vi.waitFor(async () =>
      expect((await view('op-1')).reported.factoryResetStatus).toMatchObject({ status: 'done' }),
    );
  });

  it('records a failed operation on an offline device', async () => {
    await hub.createDevice('op-offline');
    const res = await call('operator', 'POST', '/api/v1/devices/op-offline/reboot');
    expect([res.status, errorCode(res.text)]).toEqual([404, 'DeviceNotOnline']);
    expect(await view('op-offline')).toMatchObject({
      phase: 'failed',
      lastOperation: { state: 'failed', error: { code: 'DEVICE_NOT_ONLINE' } },
    });
  });

  it('reboots the devices of a condition with a job and shows each device the job', async () => {
    await operableDevice('op-north-1', { site: 'north-ops' });
    await operableDevice('op-north-2', { site: 'north-ops' });
    const res = await call('operator', 'POST', '/api/v1/operations/reboot', {
      query: "WHERE tags.site = 'north-ops'",
    });
    expect(res.status).toBe(202);
    const { jobId } = res.json as { jobId: string };
    await vi.waitFor(
      async () =>
        expect(((await hub.call('GET', `/jobs/v2/${jobId}`)).json as JobResponse).status).toBe('completed'),
      { timeout: 20_000, interval: 100 },
    );
    const job = (await hub.call('GET', `/jobs/v2/${jobId}`)).json as JobResponse;
    expect(job.deviceJobStatistics).toMatchObject({ deviceCount: 2, succeededCount: 2 });
    expect(job.cloudToDeviceMethod?.methodName).toBe('reboot');
    await vi.waitFor(async () => expect((await view('op-north-2')).phase).toBe('done'), { timeout: 10_000 });
    expect((await view('op-north-1')).lastOperation).toMatchObject({
      jobId,
      requestedBy: { type: 'job', id: jobId },
    });
    const audit = await call('viewer', 'GET', '/api/v1/audit?kind=jobCreated');
    const created = (audit.json as { items: { id: string; actor: unknown }[] }).items.find(
      (e) => e.id === jobId,
    );
    expect(created?.actor).toEqual({ type: 'user', id: 'op1' });

    const reset = await call('operator', 'POST', '/api/v1/operations/factory-reset', {
      query: "tags.site = 'nowhere'",
    });
    expect(reset.status).toBe(202);
    for (const body of [undefined, {}, { query: '' }, { query: 'tags.site = ' }]) {
      const bad = await call('operator', 'POST', '/api/v1/operations/reboot', body);
      expect([bad.status, errorCode(bad.text)]).toEqual([
        400,
        body === undefined ? 'IotHubFormatError' : 'ArgumentInvalid',
      ]);
    }
    expect((await call('viewer', 'POST', '/api/v1/operations/reboot', { query: '*' })).status).toBe(403);
    const badTimeout = await call('operator', 'POST', '/api/v1/devices/op-1/reboot', {
      responseTimeoutInSeconds: 'x',
    });
    expect([badTimeout.status, errorCode(badTimeout.text)]).toEqual([400, 'ArgumentInvalid']);
  });
});

describe('monitor: GET /api/v1/fleet/summary', () => {
  it('counts by connection state and reported status, and lists failing and silent devices', async () => {
    const device = await operableDevice('mon-err');
    await device.patchReported({ status: 'error', error: 'sensor offline' });
    const res = await call('viewer', 'GET', '/api/v1/fleet/summary?silentMinutes=5');
    expect(res.status).toBe(200);
    const summary = res.json as FleetSummary;
    expect(summary.totalDevices).toBe(hub.runtime.hub.devices.size());
    expect(summary.byConnectionState.Connected).toBeGreaterThanOrEqual(4);
    expect(summary.byReportedStatus.error).toBe(1);
    expect(summary.byRebootStatus.done).toBeGreaterThanOrEqual(3);
    expect(summary.failing.deviceIds).toEqual(expect.arrayContaining(['mon-err', 'op-offline']));
    expect(summary.silent.silentMinutes).toBe(5);
    expect(summary.neverConnected.deviceIds).toContain('op-offline');
    for (const bad of ['0', 'x', '-1', '100000']) {
      const r = await call('viewer', 'GET', `/api/v1/fleet/summary?silentMinutes=${bad}`);
      expect([bad, r.status, errorCode(r.text)]).toEqual([bad, 400, 'ArgumentInvalid']);
    }
    expect((await operatorCall(hub, { method: 'GET', path: '/api/v1/fleet/summary' })).status).toBe(401);
  });

  it('answers unknown devices and archive ids with IoT Hub error bodies', async () => {
    for (const path of [
      '/api/v1/devices/nope/operations',
      '/api/v1/archive/devices/nope',
      '/api/v1/devices/nope/connection-string',
    ]) {
      const res = await call('admin', 'GET', path);
      expect(res.status).toBe(404);
      expect((res.json as { Message: string }).Message).toMatch(/^ErrorCode:(DeviceNotFound|NotFound);/);
    }
  });
});
