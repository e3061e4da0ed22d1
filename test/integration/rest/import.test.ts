import { csvLine, parseCsv } from '@outpost/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorCodeOf, postRaw, roleTokens } from '../../helpers/fleet-client';
import type { TestResponse } from '../../helpers/https-client';
import { operatorCall } from '../../helpers/operator-client';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

interface ImportView {
  id: string;
  status: string;
  progress: { total: number; processed: number; succeeded: number; failed: number };
  results: { row: number; deviceId: string; status: string; error?: { code: string; message: string } }[];
  nextOffset?: number;
}

let hub: TestHub;
let second: TestHub;
const tokens = { admin: '', operator: '', viewer: '' };

beforeAll(async () => {
  hub = await startTestHub();
  second = await startTestHub();
  Object.assign(tokens, await roleTokens(hub));
});
afterAll(async () => {
  await hub.close();
  await second.close();
});

const errorCode = (res: TestResponse) => errorCodeOf(res.text);
const rawCall = postRaw;

const get = (h: TestHub, path: string, token = tokens.viewer) =>
  operatorCall(h, { method: 'GET', path, token });

async function finished(h: TestHub, id: string, token: string): Promise<ImportView> {
  let view: ImportView | undefined;
  await vi.waitFor(
    async () => {
      const res = await get(h, `/api/v1/imports/${id}?limit=0`, token);
      expect(res.status).toBe(200);
      view = res.json as ImportView;
      expect(['completed', 'failed']).toContain(view.status);
    },
    { timeout: 120_000, interval: 200 },
  );
  return view as ImportView;
}

const KEY = Buffer.alloc(32, 3).toString('base64');

describe('POST /api/v1/imports (CSV)', () => {
  it('imports 10k rows in the background; bad rows fail alone and are not written at all', async () => {
    // A device that exists already: its row must fail without touching it.
    expect((await hub.call('PUT', '/devices/imp-00042', { body: {} })).status).toBe(200);
    const lines = [
      'deviceId,tags.site,tags.rack,desired.fw.version,desired.interval,primaryKey,secondaryKey',
    ];
    for (let i = 0; i < 10_000; i++) {
      const id = `imp-${String(i).padStart(5, '0')}`;
      lines.push(`${id},site-${i % 7},${i % 40},"1.${i % 3}.0",${30 + (i % 5)},,`);
    }
    // The bad rows (1-based row numbers are line numbers after the header).
    lines[101] = 'bad id with spaces,north,1,"1.0.0",30,,'; // row 101: invalid id
    lines[202] = 'imp-bad-key,north,1,"1.0.0",30,not base64!,'; // row 202: bad key
    lines[303] = 'imp-bad-cells,north,1'; // row 303: wrong cell count
    lines[404] = 'imp-00001,north,1,"1.0.0",30,,'; // row 404: duplicate of row 2
    lines[505] = `imp-bad-deep,north,1,"${JSON.stringify(deep(12)).replaceAll('"', '""')}",30,,`; // too deep
    lines[606] = `imp-good-key,north,1,"2.0.0",30,${KEY},${KEY}`; // a good row with its own keys
    const csv = `${lines.join('\n')}\n`;
    const before = hub.runtime.hub.registry.statistics().totalDeviceCount;

    const res = await rawCall(hub, '/api/v1/imports', csv, 'text/csv', tokens.operator);
    expect(res.status).toBe(202);
    const job = res.json as ImportView;
    expect(res.headers.location).toBe(`/api/v1/imports/${job.id}`);
    expect(job.progress.total).toBe(10_000);

    const done = await finished(hub, job.id, tokens.viewer);
    expect(done.status).toBe('completed');
    // Rows 101, 202, 303, 404 (dup), 505 and the existing imp-00042 (row 43) fail; row 606 replaced imp-00605.
    expect(done.progress).toEqual({ total: 10_000, processed: 10_000, succeeded: 9_994, failed: 6 });
    const failed = (await get(hub, `/api/v1/imports/${job.id}?failedOnly=true`)).json as ImportView;
    expect(failed.results.map((r) => [r.row, r.error?.code])).toEqual([
      [43, 'DeviceAlreadyExists'],
      [101, 'ArgumentInvalid'],
      [202, 'ArgumentInvalid'],
      [303, 'ArgumentInvalid'],
      [404, 'DeviceAlreadyExists'],
      [505, 'ArgumentInvalid'],
    ]);
    expect(failed.results.every((r) => r.status === 'failed' && r.error?.message)).toBe(true);

    // Paged results in row order.
    const page = (await get(hub, `/api/v1/imports/${job.id}?offset=9990&limit=5`)).json as ImportView;
    expect(page.results.map((r) => r.row)).toEqual([9991, 9992, 9993, 9994, 9995]);
    expect(page.nextOffset).toBe(9995);

    // Good rows all there with tags and desired; bad ones not written at all.
    expect(hub.runtime.hub.registry.statistics().totalDeviceCount).toBe(before + 9_994);
    const twin = (await hub.call('GET', '/twins/imp-09999')).json as {
      tags: unknown;
      properties: { desired: Record<string, unknown> };
    };
    expect(twin.tags).toEqual({ site: `site-${9999 % 7}`, rack: 9999 % 40 });
    expect(twin.properties.desired.fw).toEqual({ version: '1.0.0' });
    expect(twin.properties.desired.interval).toBe(34);
    for (const id of ['imp-bad-key', 'imp-bad-cells', 'imp-bad-deep']) {
      expect((await hub.call('GET', `/devices/${id}`)).status).toBe(404);
    }
    const untouched = (await hub.call('GET', '/twins/imp-00042')).json as { tags: unknown };
    expect(untouched.tags).toEqual({});
    const own = (await hub.call('GET', '/devices/imp-good-key')).json as {
      authentication: { symmetricKey: { primaryKey: string } };
    };
    expect(own.authentication.symmetricKey.primaryKey).toBe(KEY);

    // Each row is one audited creation by the importing operator, with its twin.
    const audit = await get(hub, '/api/v1/audit?deviceId=imp-00007&kind=deviceCreated');
    const [entry] = (audit.json as { items: { actor: unknown; patch: { twin: unknown } }[] }).items;
    expect(entry?.actor).toEqual({ type: 'user', id: 'op1' });
    expect(entry?.patch.twin).toEqual({
      tags: { site: 'site-0', rack: 7 },
      desired: { fw: { version: '1.1.0' }, interval: 32 },
    });

    const list = (await get(hub, '/api/v1/imports')).json as ImportView[];
    expect(list.map((j) => j.id)).toContain(job.id);
  }, 180_000);

  it('refuses a bad header, an empty CSV, other media types, viewers, and unknown ids', async () => {
    const bad = await rawCall(hub, '/api/v1/imports', 'deviceId,color\nx,red\n', 'text/csv', tokens.operator);
    expect([bad.status, errorCode(bad)]).toEqual([400, 'ArgumentInvalid']);
    const noId = await rawCall(hub, '/api/v1/imports', 'tags.a\n1\n', 'text/csv', tokens.operator);
    expect(noId.status).toBe(400);
    const empty = await rawCall(hub, '/api/v1/imports', 'deviceId\n', 'text/csv', tokens.operator);
    expect([empty.status, errorCode(empty)]).toEqual([400, 'ArgumentInvalid']);
    const quote = await rawCall(hub, '/api/v1/imports', 'deviceId\n"x\n', 'text/csv', tokens.operator);
    expect([quote.status, errorCode(quote)]).toEqual([400, 'IotHubFormatError']);
    const xml = await rawCall(hub, '/api/v1/imports', '<a/>', 'application/xml', tokens.operator);
    expect([xml.status, errorCode(xml)]).toEqual([415, 'UnsupportedMediaType']);
    const badJson = await rawCall(hub, '/api/v1/imports', '[{', 'application/json', tokens.operator);
    expect([badJson.status, errorCode(badJson)]).toEqual([400, 'IotHubFormatError']);
    const notArray = await rawCall(hub, '/api/v1/imports', '{}', 'application/json', tokens.operator);
    expect([notArray.status, errorCode(notArray)]).toEqual([400, 'ArgumentInvalid']);
    const viewer = await rawCall(hub, '/api/v1/imports', 'deviceId\nv1\n', 'text/csv', tokens.viewer);
    expect([viewer.status, errorCode(viewer)]).toEqual([403, 'Forbidden']);
    const missing = await get(hub, '/api/v1/imports/import-nope');
    expect([missing.status, errorCode(missing)]).toEqual([404, 'NotFound']);
    const page = await get(hub, '/api/v1/imports/import-nope?limit=-1');
    expect(page.status).toBe(400);
  });
});

describe('POST /api/v1/imports (JSON) and GET /api/v1/exports', () => {
  const devices = [
    {
      deviceId: 'rt-1',
      tags: { site: 'north', n: 1, label: '007', note: 'a, "quoted"\nline' },
      desired: { fw: { v: '1.2' }, on: true },
    },
    { deviceId: 'rt-2', tags: { empty: {} }, primaryKey: KEY, secondaryKey: KEY },
    { deviceId: 'rt-3' },
    { deviceId: 'rt-bad-1', tags: 'not-an-object' },
    { deviceId: 'rt-bad-2', color: 'red' },
    { deviceId: 'rt-bad-3', primaryKey: 'short' },
    'not an object',
  ];

  it('imports JSON entries with per-row errors', async () => {
    const res = await operatorCall(hub, {
      method: 'POST',
      path: '/api/v1/imports',
      token: tokens.admin,
      body: devices,
    });
    expect(res.status).toBe(202);
    const done = await finished(hub, (res.json as ImportView).id, tokens.admin);
    expect(done.progress).toMatchObject({ total: 7, succeeded: 3, failed: 4 });
    const results = (await get(hub, `/api/v1/imports/${done.id}`)).json as ImportView;
    expect(results.results.map((r) => [r.row, r.deviceId, r.status])).toEqual([
      [1, 'rt-1', 'created'],
      [2, 'rt-2', 'created'],
      [3, 'rt-3', 'created'],
      [4, 'rt-bad-1', 'failed'],
      [5, 'rt-bad-2', 'failed'],
      [6, 'rt-bad-3', 'failed'],
      [7, '', 'failed'],
    ]);
    for (const id of ['rt-bad-1', 'rt-bad-2', 'rt-bad-3'])
      expect((await hub.call('GET', `/devices/${id}`)).status).toBe(404);
  });

  it('exports JSON and CSV that import back into another hub unchanged', async () => {
    const secondOps = await secondHubTokens();
    for (const format of ['json', 'csv'] as const) {
      const exp = await get(hub, `/api/v1/exports?format=${format}&includeKeys=true`, tokens.operator);
      expect(exp.status).toBe(200);
      expect(exp.headers['content-type']).toContain(format === 'json' ? 'application/json' : 'text/csv');
      const body = format === 'json' ? filterJson(exp.text) : filterCsv(exp.text);
      const imp = await rawCall(
        second,
        '/api/v1/imports',
        body,
        format === 'json' ? 'application/json' : 'text/csv',
        secondOps.operator,
      );
      expect(imp.status).toBe(202);
      const done = await finished(second, (imp.json as ImportView).id, secondOps.operator);
      expect(done.progress).toMatchObject({ total: 3, succeeded: 3, failed: 0 });
      const back = await get(second, '/api/v1/exports?format=json&includeKeys=true', secondOps.operator);
      const source = await get(hub, '/api/v1/exports?includeKeys=true', tokens.operator);
      const original = JSON.parse(filterJson(source.text)) as Record<string, unknown>[];
      const copied = (back.json as Record<string, unknown>[]).map(comparable);
      expect(copied).toEqual(original.map(comparable));
      for (const d of back.json as { deviceId: string }[]) {
        await second.call('DELETE', `/devices/${d.deviceId}`);
      }
    }
  });

  it('hides keys from viewers and checks its parameters', async () => {
    const plain = (await get(hub, '/api/v1/exports?format=json')).json as Record<string, unknown>[];
    expect(plain.length).toBeGreaterThan(9_990);
    expect(plain.some((d) => 'primaryKey' in d)).toBe(false);
    const keys = await get(hub, '/api/v1/exports?includeKeys=true');
    expect([keys.status, errorCode(keys)]).toEqual([403, 'Forbidden']);
    const format = await get(hub, '/api/v1/exports?format=xml');
    expect([format.status, errorCode(format)]).toEqual([400, 'ArgumentInvalid']);
    const flag = await get(hub, '/api/v1/exports?includeKeys=maybe', tokens.operator);
    expect([flag.status, errorCode(flag)]).toEqual([400, 'ArgumentInvalid']);
  });
});

let secondTokens: typeof tokens | undefined;
async function secondHubTokens() {
  secondTokens ??= await roleTokens(second);
  return secondTokens;
}

/** Only the rt-* devices of a JSON export. */
function filterJson(text: string): string {
  return JSON.stringify(
    (JSON.parse(text) as { deviceId: string }[]).filter((d) => d.deviceId.startsWith('rt-')),
  );
}

/** Only the header and the rt-* rows of a CSV export, written back as CSV. */
function filterCsv(text: string): string {
  const [header = [], ...rows] = parseCsv(text);
  return [header, ...rows.filter((r) => r[0]?.startsWith('rt-'))].map(csvLine).join('');
}

function comparable(d: Record<string, unknown>) {
  return {
    deviceId: d.deviceId,
    tags: d.tags,
    desired: d.desired,
    primaryKey: d.primaryKey,
    secondaryKey: d.secondaryKey,
  };
}

function deep(levels: number): Record<string, unknown> {
  return levels === 0 ? { leaf: 1 } : { x: deep(levels - 1) };
}

describe('GET /api/v1/devices/{id}/connection-string', () => {
  it('builds the device connection string for operators, with an optional gateway', async () => {
    const created = await hub.call('PUT', '/devices/cs-1', { body: {} });
    const key = (created.json as { authentication: { symmetricKey: { primaryKey: string } } }).authentication
      .symmetricKey.primaryKey;
    const path = '/api/v1/devices/cs-1/connection-string';
    const res = await get(hub, `${path}?gateway=gw.local:8883`, tokens.operator);
    expect(res.headers['cache-control']).toBe('no-store');
    expect((res.json as { connectionString: string }).connectionString).toBe(
      `HostName=localhost;DeviceId=cs-1;SharedAccessKey=${key};GatewayHostName=gw.local:8883`,
    );
    const plain = (await get(hub, path, tokens.admin)).json as { connectionString: string };
    expect(plain.connectionString).not.toContain('GatewayHostName');
    expect((await get(hub, path)).status).toBe(403);
    const bad = await get(hub, `${path}?gateway=a;b`, tokens.operator);
    expect([bad.status, errorCode(bad)]).toEqual([400, 'ArgumentInvalid']);
  });
});
