import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
  await hub.call('PUT', '/devices/tw-1', { body: {} });
});
afterAll(() => hub.close());

type Twin = {
  deviceId: string;
  etag: string;
  version: number;
  tags: Record<string, unknown>;
  properties: {
    desired: Record<string, unknown> & { $version: number; $metadata: Record<string, unknown> };
    reported: Record<string, unknown>;
  };
};

describe('twins over REST', () => {
  it('returns the twin with IoT Hub fields and an ETag header', async () => {
    const res = await hub.call('GET', '/twins/tw-1');
    expect(res.status).toBe(200);
    const twin = res.json as Twin & Record<string, unknown>;
    expect(twin.deviceId).toBe('tw-1');
    expect(res.headers.etag).toBe(`"${twin.etag}"`);
    expect(twin).toMatchObject({
      status: 'enabled',
      authenticationType: 'sas',
      connectionState: 'Disconnected',
    });
    expect(twin.properties.desired.$version).toBe(1);
    expect(twin).not.toHaveProperty('generationId');
  });

  it('merges a patch: null deletes, arrays replace, versions and metadata move', async () => {
    const before = (await hub.call('GET', '/twins/tw-1')).json as Twin;
    const first = await hub.call('PATCH', '/twins/tw-1', {
      body: {
        tags: { site: 'A', list: [1, 2], drop: 'me' },
        properties: { desired: { fan: { speed: 3, mode: 'auto' } } },
      },
      headers: { 'if-match': `"${before.etag}"` },
    });
    expect(first.status).toBe(200);
    const t1 = first.json as Twin;
    expect(t1.version).toBe(before.version + 1);
    expect(t1.etag).not.toBe(before.etag);
    expect(t1.properties.desired.$version).toBe(2);
    const meta = t1.properties.desired.$metadata as { fan: { speed: { $lastUpdated: string } } };
    expect(meta.fan.speed).toMatchObject({ $lastUpdatedVersion: 2 });
    expect(meta.fan.speed.$lastUpdated).toMatch(/\.\d{3}Z$/);

    const second = await hub.call('PATCH', '/twins/tw-1', {
      body: { tags: { list: [9], drop: null }, properties: { desired: { fan: { mode: null } } } },
      headers: { 'if-match': '"*"' },
    });
    const t2 = second.json as Twin;
    expect(t2.tags).toEqual({ site: 'A', list: [9] });
    expect(t2.properties.desired.fan).toEqual({ speed: 3 });
  });

  it('refuses a stale etag with 412 and keeps the twin', async () => {
    const cur = (await hub.call('GET', '/twins/tw-1')).json as Twin;
    await hub.call('PATCH', '/twins/tw-1', {
      body: { tags: { bump: 1 } },
      headers: { 'if-match': `"${cur.etag}"` },
    });
    const stale = await hub.call('PATCH', '/twins/tw-1', {
      body: { tags: { bump: 2 } },
      headers: { 'if-match': `"${cur.etag}"` },
    });
    expect(stale.status).toBe(412);
    expect(((await hub.call('GET', '/twins/tw-1')).json as Twin).tags.bump).toBe(1);
  });

  it('refuses reported properties from the service side', async () => {
    const res = await hub.call('PATCH', '/twins/tw-1', {
      body: { properties: { reported: { x: 1 } } },
      headers: { 'if-match': '"*"' },
    });
    expect(res.status).toBe(400);
  });

  it.each([
    ['a key with a dot', { tags: { 'a.b': 1 } }, /'\.'|dot/],
    ['a key with $', { tags: { $x: 1 } }, /\$/],
    ['a string over 4 KB', { tags: { s: 'x'.repeat(4097) } }, /4096|4 ?KB/i],
    [
      'tags over 8 KB',
      { tags: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'x'.repeat(1000)])) },
      /8192/,
    ],
    // tags.a1…a10 are ten object levels (valid, as the docs' example); an eleventh object is not.
    [
      '11 object levels',
      { tags: JSON.parse(`${'{"a":'.repeat(12)}1${'}'.repeat(12)}`) },
      /depth|level|deep/i,
    ],
  ])('refuses %s with 400 and says which rule broke', async (_name, patch, rule) => {
    const res = await hub.call('PATCH', '/twins/tw-1', { body: patch, headers: { 'if-match': '"*"' } });
    expect(res.status).toBe(400);
    const message = (res.json as { Message: string }).Message;
    expect(message).toMatch(/^ErrorCode:ArgumentInvalid;/);
    expect(message).toMatch(rule);
  });

  it('accepts exactly 10 object levels', async () => {
    const tags = JSON.parse(`${'{"a":'.repeat(11)}1${'}'.repeat(11)}`);
    const res = await hub.call('PATCH', '/twins/tw-1', { body: { tags }, headers: { 'if-match': '"*"' } });
    expect(res.status).toBe(200);
  });

  it('replaces tags and desired with PUT and keeps versions increasing', async () => {
    const cur = (await hub.call('GET', '/twins/tw-1')).json as Twin;
    const res = await hub.call('PUT', '/twins/tw-1', {
      body: { tags: { only: 'this' }, properties: { desired: { fresh: true }, reported: { ignored: 1 } } },
      headers: { 'if-match': `"${cur.etag}"` },
    });
    expect(res.status).toBe(200);
    const t = res.json as Twin;
    expect(t.tags).toEqual({ only: 'this' });
    expect(t.properties.desired.fresh).toBe(true);
    expect(t.properties.desired.fan).toBeUndefined();
    expect(t.properties.desired.$version).toBe(cur.properties.desired.$version + 1);
    expect(t.properties.reported.ignored).toBeUndefined();
  });

  it('answers 404 DeviceNotFound for the twin of a missing device', async () => {
    const res = await hub.call('GET', '/twins/nobody');
    expect(res.status).toBe(404);
    expect((res.json as { Message: string }).Message).toMatch(/^ErrorCode:DeviceNotFound;/);
  });
});
