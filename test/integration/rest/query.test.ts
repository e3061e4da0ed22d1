import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
  const body = Array.from({ length: 7 }, (_, i) => ({
    id: `q-${i}`,
    importMode: 'create',
    tags: { site: i < 4 ? 'north' : 'south', n: i },
  }));
  const res = await hub.call('POST', '/devices', { body });
  expect(res.status).toBe(200);
});
afterAll(() => hub.close());

describe('POST /devices/query', () => {
  it('pages 3, 3, 1 with continuation headers and no header on the last page', async () => {
    const ids: string[] = [];
    const sizes: number[] = [];
    let continuation: string | undefined;
    do {
      const res = await hub.call('POST', '/devices/query', {
        body: { query: 'SELECT * FROM devices' },
        headers: {
          'x-ms-max-item-count': '3',
          ...(continuation ? { 'x-ms-continuation': continuation } : {}),
        },
      });
      expect(res.status).toBe(200);
      expect(res.headers['x-ms-item-type']).toBe('twin');
      const rows = res.json as { deviceId: string; etag: string }[];
      sizes.push(rows.length);
      ids.push(...rows.map((r) => r.deviceId));
      for (const r of rows) expect(r.etag).toBeTruthy();
      continuation = res.headers['x-ms-continuation'] as string | undefined;
    } while (continuation);
    expect(sizes).toEqual([3, 3, 1]);
    expect(ids).toEqual(['q-0', 'q-1', 'q-2', 'q-3', 'q-4', 'q-5', 'q-6']);
  });

  it('filters on tags and projects with raw rows', async () => {
    const res = await hub.call('POST', '/devices/query', {
      body: { query: "SELECT deviceId, tags.n AS n FROM devices WHERE tags.site = 'south'" },
    });
    expect(res.headers['x-ms-item-type']).toBe('raw');
    expect(res.json).toEqual([
      { deviceId: 'q-4', n: 4 },
      { deviceId: 'q-5', n: 5 },
      { deviceId: 'q-6', n: 6 },
    ]);
  });

  it('groups and counts', async () => {
    const res = await hub.call('POST', '/devices/query', {
      body: { query: 'SELECT tags.site AS site, COUNT() AS n FROM devices GROUP BY tags.site' },
    });
    expect(new Set((res.json as unknown[]).map((r) => JSON.stringify(r)))).toEqual(
      new Set([JSON.stringify({ site: 'north', n: 4 }), JSON.stringify({ site: 'south', n: 3 })]),
    );
  });

  it('answers 400 ArgumentInvalid that points at the bad part', async () => {
    const res = await hub.call('POST', '/devices/query', {
      body: { query: 'SELECT * FROM devices WHERE tags.x =' },
    });
    expect(res.status).toBe(400);
    expect((res.json as { Message: string }).Message).toMatch(/^ErrorCode:ArgumentInvalid;.*position \d+/);
  });

  it('rejects a continuation token of another query', async () => {
    const first = await hub.call('POST', '/devices/query', {
      body: { query: 'SELECT * FROM devices' },
      headers: { 'x-ms-max-item-count': '2' },
    });
    const token = first.headers['x-ms-continuation'] as string;
    const res = await hub.call('POST', '/devices/query', {
      body: { query: "SELECT * FROM devices WHERE tags.site = 'north'" },
      headers: { 'x-ms-max-item-count': '2', 'x-ms-continuation': token },
    });
    expect(res.status).toBe(400);
  });
});
