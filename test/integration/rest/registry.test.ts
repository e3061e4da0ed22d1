import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

type Device = {
  deviceId: string;
  etag: string;
  generationId: string;
  status: string;
  authentication: { type: string; symmetricKey: { primaryKey: string; secondaryKey: string } };
};

describe('device identities over REST', () => {
  it('creates a device with generated keys, reads, lists and deletes it', async () => {
    const created = await hub.call('PUT', '/devices/dev-a', { body: { deviceId: 'dev-a' } });
    expect(created.status).toBe(200);
    expect(created.headers['content-type']).toContain('application/json');
    const dev = created.json as Device;
    expect(dev.deviceId).toBe('dev-a');
    expect(dev.authentication.type).toBe('sas');
    expect(Buffer.from(dev.authentication.symmetricKey.primaryKey, 'base64')).toHaveLength(32);
    expect(dev.generationId).toMatch(/^\d+$/);

    const got = await hub.call('GET', '/devices/dev-a');
    expect(got.status).toBe(200);
    expect((got.json as Device).etag).toBe(dev.etag);

    for (const p of ['/devices', '/devices/']) {
      const list = await hub.call('GET', p);
      expect(list.status).toBe(200);
      expect((list.json as Device[]).map((d) => d.deviceId)).toContain('dev-a');
    }
    const del = await hub.call('DELETE', '/devices/dev-a', { headers: { 'if-match': '"*"' } });
    expect(del.status).toBe(204);
    expect((await hub.call('GET', '/devices/dev-a')).status).toBe(404);
  });

  it('refuses a duplicate create with 409 DeviceAlreadyExists', async () => {
    await hub.call('PUT', '/devices/dup', { body: {} });
    const again = await hub.call('PUT', '/devices/dup', { body: { deviceId: 'dup' } });
    expect(again.status).toBe(409);
    expect((again.json as { Message: string }).Message).toMatch(/^ErrorCode:DeviceAlreadyExists;/);
  });

  it('keeps keys on an update that sends empty keys, and honours If-Match', async () => {
    const dev = (await hub.call('PUT', '/devices/upd', { body: {} })).json as Device;
    const emptyKeys = { type: 'sas', symmetricKey: { primaryKey: '', secondaryKey: '' } };
    const upd = await hub.call('PUT', '/devices/upd', {
      body: { deviceId: 'upd', status: 'disabled', statusReason: 'maintenance', authentication: emptyKeys },
      headers: { 'if-match': '"*"' },
    });
    expect(upd.status).toBe(200);
    const after = upd.json as Device & { statusReason: string };
    expect(after.status).toBe('disabled');
    expect(after.statusReason).toBe('maintenance');
    expect(after.authentication.symmetricKey.primaryKey).toBe(dev.authentication.symmetricKey.primaryKey);
    expect(after.etag).not.toBe(dev.etag);

    const stale = await hub.call('PUT', '/devices/upd', {
      body: {},
      headers: { 'if-match': `"${dev.etag}"` },
    });
    expect(stale.status).toBe(412);
    expect((stale.json as { Message: string }).Message).toMatch(/^ErrorCode:PreconditionFailed;/);
    const fresh = await hub.call('PUT', '/devices/upd', {
      body: { status: 'enabled' },
      headers: { 'if-match': `"${after.etag}"` },
    });
    expect(fresh.status).toBe(200);
    const staleDelete = await hub.call('DELETE', '/devices/upd', {
      headers: { 'if-match': `"${dev.etag}"` },
    });
    expect(staleDelete.status).toBe(412);
  });

  it('answers 404 DeviceNotFound for an update of a missing device', async () => {
    const res = await hub.call('PUT', '/devices/ghost', { body: {}, headers: { 'if-match': '"*"' } });
    expect(res.status).toBe(404);
    expect((res.json as { Message: string }).Message).toMatch(/^ErrorCode:DeviceNotFound;/);
  });

  it.each([
    ['a%2Fb'],
    ['a%2Bb'],
    ['a%23b'],
    ['a%20b'],
    ['a%26b'],
    ['a%3Db'],
    ['a%25b'],
    ['a%3Fb'],
    ['x'.repeat(129)],
  ])('refuses the device id %s with 400 ArgumentInvalid', async (encoded) => {
    const res = await hub.call('PUT', `/devices/${encoded}`, { body: {} });
    expect(res.status).toBe(400);
    expect((res.json as { Message: string }).Message).toMatch(/^ErrorCode:ArgumentInvalid;/);
  });

  it('accepts ids with the allowed punctuation, decoded exactly once', async () => {
    const id = "ok-:._*!(),@$'id";
    const res = await hub.call('PUT', `/devices/${encodeURIComponent(id)}`, { body: {} });
    expect(res.status).toBe(200);
    expect((res.json as Device).deviceId).toBe(id);
    expect((await hub.call('GET', `/devices/${encodeURIComponent(id)}`)).status).toBe(200);
  });

  it('refuses a body deviceId that differs from the path', async () => {
    const res = await hub.call('PUT', '/devices/path-id', { body: { deviceId: 'other' } });
    expect(res.status).toBe(400);
  });

  it('runs bulk create, update and delete with per-device results', async () => {
    const create = await hub.call('POST', '/devices', {
      body: [
        { id: 'bulk-1', importMode: 'create', tags: { site: 'b' } },
        { id: 'bulk-2', importMode: 'create' },
      ],
    });
    expect(create.status).toBe(200);
    expect(create.json).toEqual({ isSuccessful: true, errors: [], warnings: [] });
    const twin = await hub.call('GET', '/twins/bulk-1');
    expect((twin.json as { tags: unknown }).tags).toEqual({ site: 'b' });

    const mixed = await hub.call('POST', '/devices', {
      body: [
        { id: 'bulk-1', importMode: 'Update', status: 'disabled' },
        { id: 'bulk-2', importMode: 'create' },
        { id: 'bulk-3', importMode: 'create' },
        { id: 'bulk-3', importMode: 'delete' },
        { id: 'bad/id', importMode: 'create' },
      ],
    });
    expect(mixed.status).toBe(400);
    const result = mixed.json as { isSuccessful: boolean; errors: { deviceId: string; errorCode: string }[] };
    expect(result.isSuccessful).toBe(false);
    expect(result.errors.map((e) => [e.deviceId, e.errorCode]).sort()).toEqual(
      [
        ['bad/id', 'ArgumentInvalid'],
        ['bulk-2', 'DeviceAlreadyExists'],
        ['bulk-3', 'DeviceDefinedMultipleTimes'],
        ['bulk-3', 'DeviceDefinedMultipleTimes'],
      ].sort(),
    );
    expect(((await hub.call('GET', '/devices/bulk-1')).json as Device).status).toBe('disabled');

    const del = await hub.call('POST', '/devices', {
      body: [
        { id: 'bulk-1', importMode: 'delete' },
        { id: 'bulk-2', importMode: 'Delete' },
      ],
    });
    expect(del.status).toBe(200);
    expect((await hub.call('GET', '/devices/bulk-2')).status).toBe(404);
  });

  it('refuses a bulk request of more than 100 devices with 413', async () => {
    const body = Array.from({ length: 101 }, (_, i) => ({ id: `many-${i}`, importMode: 'create' }));
    const res = await hub.call('POST', '/devices', { body });
    expect(res.status).toBe(413);
    expect((await hub.call('GET', '/devices/many-0')).status).toBe(404);
  });

  it('reports registry statistics', async () => {
    await hub.call('PUT', '/devices/stat-on', { body: {} });
    await hub.call('PUT', '/devices/stat-off', { body: { status: 'disabled' } });
    const res = await hub.call('GET', '/statistics/devices');
    const stats = res.json as {
      totalDeviceCount: number;
      enabledDeviceCount: number;
      disabledDeviceCount: number;
    };
    expect(stats.totalDeviceCount).toBe(stats.enabledDeviceCount + stats.disabledDeviceCount);
    expect(stats.disabledDeviceCount).toBeGreaterThanOrEqual(1);
    expect(stats.totalDeviceCount).toBe(hub.runtime.hub.devices.size());
  });
});
