/**
 * The official azure-iothub SDK, unmodified, against a real runtime: HTTPS on 443 of a loopback address
 * that is also the HostName, trusted through NODE_EXTRA_CA_CERTS (service-api.md §1.4). The SDK runs in
 * a child process (clients/registry-client.ts) that prints one JSON line per step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompatHub, startCompatHub } from '../helpers/compat-hub';
import { type CompatRun, runCompatClient } from '../helpers/compat-runner';

type DeviceView = {
  deviceId: string;
  status: string;
  etag: string;
  generationId: string;
  authType: string;
  primaryKey: string;
  secondaryKey: string;
};
type TwinView = {
  deviceId: string;
  etag: string;
  tags: Record<string, unknown>;
  desired: Record<string, unknown>;
};
type BulkResult = {
  isSuccessful: boolean;
  errors: { deviceId: string; errorCode: string; errorStatus: string }[];
};
type Page = { ids: string[]; twins: boolean; hasMoreResults: boolean; itemType: string };

let hub: CompatHub;
let run: CompatRun;

beforeAll(async () => {
  hub = await startCompatHub();
  const wrongKey = Buffer.alloc(32, 1).toString('base64');
  run = await runCompatClient('test/compat/clients/registry-client.ts', {
    env: {
      ...hub.childEnv(),
      OUTPOST_CS: hub.connectionString(),
      OUTPOST_CS_BAD_KEY: hub.connectionString('iothubowner', { key: wrongKey }),
      OUTPOST_CS_READ: hub.connectionString('registryRead'),
    },
    timeoutMs: 150_000,
  });
}, 180_000);
afterAll(() => hub?.close());

describe('azure-iothub Registry (unmodified) against Outpost on :443', () => {
  it('runs the whole scenario to the end', () => {
    expect(run.timedOut).toBe(false);
    run.ok('done');
    expect(run.code).toBe(0);
  });

  it('creates with generated keys, gets, lists (GET /devices/), updates and deletes', () => {
    const created = run.ok<DeviceView>('create');
    expect(created).toMatchObject({ deviceId: 'sdk-1', status: 'enabled', authType: 'sas' });
    expect(Buffer.from(created.primaryKey, 'base64').length).toBeGreaterThanOrEqual(16);
    expect(Buffer.from(created.secondaryKey, 'base64').length).toBeGreaterThanOrEqual(16);
    expect(created.primaryKey).not.toBe(created.secondaryKey);

    expect(run.ok<DeviceView>('get')).toEqual(created);
    expect(run.ok<string[]>('list')).toEqual(['sdk-1']);

    // update() sends If-Match "*" and empty keys: the stored keys must survive.
    const updated = run.ok<DeviceView>('update');
    expect(updated.status).toBe('disabled');
    expect(updated.primaryKey).toBe(created.primaryKey);
    expect(updated.secondaryKey).toBe(created.secondaryKey);
    expect(updated.etag).not.toBe(created.etag);
    expect(updated.generationId).toBe(created.generationId);

    expect(run.ok('statistics')).toEqual({
      totalDeviceCount: 1,
      enabledDeviceCount: 0,
      disabledDeviceCount: 1,
    });
    expect(run.ok('delete')).toBe(204);
    const gone = run.failed('getDeleted');
    expect(gone.name).toBe('DeviceNotFoundError');
    expect(gone.statusCode).toBe(404);
  });

  it('maps a duplicate create to DeviceAlreadyExistsError and a bad id to ArgumentError', () => {
    expect(run.ok('createFirst')).toBe('dup-1');
    const dup = run.failed('createDuplicate');
    expect(dup).toMatchObject({ name: 'DeviceAlreadyExistsError', statusCode: 409 });
    expect(dup.responseBody).toMatch(/"Message":"ErrorCode:DeviceAlreadyExists;/);
    const bad = run.failed('createBadId');
    expect(bad).toMatchObject({ name: 'ArgumentError', statusCode: 400 });
  });

  it('adds, updates (keys kept) and removes devices in bulk', () => {
    expect(run.ok<BulkResult>('bulkAdd')).toMatchObject({ isSuccessful: true, errors: [] });
    expect(run.ok<BulkResult>('bulkUpdate')).toMatchObject({ isSuccessful: true, errors: [] });
    const before = run.ok<DeviceView>('bulkGetBefore');
    const after = run.ok<DeviceView>('bulkGetAfter');
    expect(before.status).toBe('enabled');
    expect(after.status).toBe('disabled');
    // updateDevices sends empty SAS keys, like update(): they must not rotate the device's keys.
    expect(after.primaryKey).toBe(before.primaryKey);
    expect(after.secondaryKey).toBe(before.secondaryKey);

    expect(run.ok<BulkResult>('bulkRemove')).toMatchObject({ isSuccessful: true, errors: [] });
    const remaining = run.ok<string[]>('listAfterRemove');
    expect(remaining.filter((id) => /^bulk-\d$/.test(id))).toEqual([]);
  });

  it('reports a failing bulk as ArgumentError with per-device errors in responseBody', () => {
    const err = run.failed('bulkAddFailing');
    expect(err).toMatchObject({ name: 'ArgumentError', statusCode: 400 });
    const result = JSON.parse(err.responseBody ?? '') as BulkResult;
    expect(result.isSuccessful).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ deviceId: 'bulk-0', errorCode: 'DeviceAlreadyExists' });
    // [LOCAL] each entry is applied on its own (service-api.md §2.1): the new id was created.
    expect(run.ok('bulkNewAfterFailure')).toBe('bulk-new');
  });

  it('reads and patches twins with etags: twin.update, stale etag, "*"', () => {
    const twin = run.ok<TwinView>('getTwin');
    expect(twin.deviceId).toBe('bulk-0');
    expect(twin.etag).toEqual(expect.any(String));

    const first = run.ok<TwinView>('twinUpdate');
    expect(first.tags).toEqual({ site: 'plant-a' });
    expect(first.desired).toMatchObject({ temp: 21 });
    expect(first.etag).not.toBe(twin.etag);
    const second = run.ok<TwinView>('twinUpdateAgain');
    expect(second.tags).toEqual({ site: 'plant-a', floor: 2 });
    expect(second.etag).not.toBe(first.etag);

    const stale = run.failed('updateTwinStale');
    expect(stale).toMatchObject({ name: 'InvalidEtagError', statusCode: 412 });
    const star = run.ok<TwinView>('updateTwinStar');
    expect(star.tags).toEqual({ site: 'plant-a', floor: 2, star: true });
  });

  it('pages a twin query 3 + 3 + 1 and stops (no continuation on the last page)', () => {
    const pages = run.ok<Page[]>('queryPages');
    expect(pages.map((p) => p.ids.length)).toEqual([3, 3, 1]);
    expect(pages.map((p) => p.hasMoreResults)).toEqual([true, true, false]);
    expect(pages.every((p) => p.twins && p.itemType === 'twin')).toBe(true);
    const ids = pages.flatMap((p) => p.ids).sort();
    expect(ids).toEqual(Array.from({ length: 7 }, (_, i) => `bulk-${i}`));

    // A twin from a query row carries an etag twin.update can use.
    expect(run.ok<TwinView>('queryTwinUpdate').tags).toMatchObject({ compat: 'yes', viaQuery: true });
  });

  it('answers COUNT() through next() and a bad query with 400', () => {
    const count = run.ok<{ rows: unknown; total: number; itemType: string; hasMoreResults: boolean }>(
      'count',
    );
    expect(count.rows).toEqual([{ n: count.total }]);
    expect(count.itemType).toBe('raw');
    expect(count.hasMoreResults).toBe(false);
    const bad = run.failed('badQuery');
    expect(bad).toMatchObject({ name: 'ArgumentError', statusCode: 400 });
  });

  it('refuses a wrong key and a registryRead create with UnauthorizedError (never 403)', () => {
    expect(run.failed('wrongKey')).toMatchObject({ name: 'UnauthorizedError', statusCode: 401 });
    expect(run.ok('readerGet')).toBe('dup-1');
    expect(run.failed('readerCreate')).toMatchObject({ name: 'UnauthorizedError', statusCode: 401 });
  });
});
