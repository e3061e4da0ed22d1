/**
 * Drives the unmodified azure-iothub Registry against a hub and prints one JSON line per step
 * (compat-child.ts). Env: OUTPOST_CS (iothubowner), OUTPOST_CS_BAD_KEY, OUTPOST_CS_READ.
 * Run by test/compat/azure-iothub-registry.test.ts; the hub must be fresh (no devices).
 */
import iothub, { type Device, type Twin } from 'azure-iothub';
import { finish, requireEnv, step } from '../../helpers/compat-child';

// azure-iothub is CommonJS whose exports Node's ESM loader cannot list: take them from the default.
const { Registry } = iothub;

const registry = Registry.fromConnectionString(requireEnv('OUTPOST_CS'));

const deviceView = (d: Device) => ({
  deviceId: d.deviceId,
  status: d.status,
  etag: d.etag,
  generationId: d.generationId,
  authType: (d.authentication as { type?: string } | undefined)?.type,
  primaryKey: d.authentication?.symmetricKey?.primaryKey,
  secondaryKey: d.authentication?.symmetricKey?.secondaryKey,
});
const twinView = (t: Twin) => ({
  deviceId: t.deviceId,
  etag: t.etag,
  tags: t.tags,
  desired: (t.properties as { desired?: Record<string, unknown> } | undefined)?.desired,
});
const body = <T>(r: { responseBody: T }) => r.responseBody;

// --- identity CRUD -------------------------------------------------------------------------------
await step(
  'create',
  () => registry.create({ deviceId: 'sdk-1' }),
  (r) => deviceView(r.responseBody),
);
await step(
  'get',
  () => registry.get('sdk-1'),
  (r) => deviceView(r.responseBody),
);
await step(
  'list',
  () => registry.list(),
  (r) => r.responseBody.map((d) => d.deviceId),
);
await step(
  'update',
  () => registry.update({ deviceId: 'sdk-1', status: 'disabled' }),
  (r) => deviceView(r.responseBody),
);
await step('statistics', () => registry.getRegistryStatistics(), body);
await step(
  'delete',
  () => registry.delete('sdk-1'),
  (r) => r.httpResponse.statusCode,
);
await step(
  'getDeleted',
  () => registry.get('sdk-1'),
  (r) => deviceView(r.responseBody),
);
await step(
  'createFirst',
  () => registry.create({ deviceId: 'dup-1' }),
  (r) => r.responseBody.deviceId,
);
await step(
  'createDuplicate',
  () => registry.create({ deviceId: 'dup-1' }),
  (r) => r.responseBody.deviceId,
);
await step(
  'createBadId',
  () => registry.create({ deviceId: 'a/b' }),
  (r) => r.responseBody.deviceId,
);

// --- bulk ----------------------------------------------------------------------------------------
const bulkIds = Array.from({ length: 7 }, (_, i) => `bulk-${i}`);
await step('bulkAdd', () => registry.addDevices(bulkIds.map((deviceId) => ({ deviceId }))), body);
await step(
  'bulkGetBefore',
  () => registry.get('bulk-0'),
  (r) => deviceView(r.responseBody),
);
await step(
  'bulkUpdate',
  () =>
    registry.updateDevices(
      bulkIds.map((deviceId) => ({ deviceId, status: 'disabled' })),
      true,
    ),
  body,
);
await step(
  'bulkGetAfter',
  () => registry.get('bulk-0'),
  (r) => deviceView(r.responseBody),
);
await step(
  'bulkAddFailing',
  () => registry.addDevices([{ deviceId: 'bulk-new' }, { deviceId: 'bulk-0' }]),
  body,
);
await step(
  'bulkNewAfterFailure',
  () => registry.get('bulk-new'),
  (r) => r.responseBody.deviceId,
);

// --- twins ---------------------------------------------------------------------------------------
const twin = (
  await step(
    'getTwin',
    () => registry.getTwin('bulk-0'),
    (r) => twinView(r.responseBody),
  )
)?.responseBody;
const firstEtag = twin?.etag ?? 'missing';
if (twin) {
  const patch = { tags: { site: 'plant-a' }, properties: { desired: { temp: 21 } } };
  await step(
    'twinUpdate',
    () => twin.update(patch),
    (r) => twinView(r.result),
  );
  // The twin now holds the etag of the answer: a second update proves it was usable.
  await step(
    'twinUpdateAgain',
    () => twin.update({ tags: { floor: 2 } }),
    (r) => twinView(r.result),
  );
}
await step(
  'updateTwinStale',
  () => registry.updateTwin('bulk-0', { tags: { stale: true } }, firstEtag),
  (r) => twinView(r.responseBody),
);
await step(
  'updateTwinStar',
  () => registry.updateTwin('bulk-0', { tags: { star: true } }, '*'),
  (r) => twinView(r.responseBody),
);

// --- queries -------------------------------------------------------------------------------------
for (const id of bulkIds) await registry.updateTwin(id, { tags: { compat: 'yes' } }, '*');
await step('queryPages', async () => {
  const query = registry.createQuery("SELECT * FROM devices WHERE tags.compat = 'yes'", 3);
  const pages: { ids: string[]; twins: boolean; hasMoreResults: boolean; itemType: unknown }[] = [];
  // Capped, so a hub that sends an endless continuation fails the assertions instead of hanging.
  while (query.hasMoreResults && pages.length < 10) {
    const page = await query.nextAsTwin();
    pages.push({
      ids: page.result.map((t) => t.deviceId),
      twins: page.result.every((t) => typeof t.update === 'function' && typeof t.etag === 'string'),
      hasMoreResults: query.hasMoreResults,
      itemType: page.message.headers['x-ms-item-type'],
    });
  }
  return pages;
});
await step('queryTwinUpdate', async () => {
  const page = await registry.createQuery("SELECT * FROM devices WHERE deviceId = 'bulk-1'").nextAsTwin();
  const [row] = page.result;
  if (!row) throw new Error('the query returned no twin');
  return twinView((await row.update({ tags: { viaQuery: true } })).result);
});
await step('count', async () => {
  const total = (await registry.list()).responseBody.length;
  const page = await registry.createQuery('SELECT COUNT() AS n FROM devices').next();
  const headers = page.message.headers;
  return {
    rows: page.result,
    total,
    itemType: headers['x-ms-item-type'],
    hasMoreResults: headers['x-ms-continuation'] !== undefined,
  };
});
await step(
  'badQuery',
  () => registry.createQuery('SELECT * FROM devices WHERE').next(),
  (r) => r.result,
);
await step(
  'bulkRemove',
  () =>
    registry.removeDevices(
      bulkIds.map((deviceId) => ({ deviceId })),
      true,
    ),
  body,
);
await step(
  'listAfterRemove',
  () => registry.list(),
  (r) => r.responseBody.map((d) => d.deviceId),
);

// --- authorization -------------------------------------------------------------------------------
const badKey = Registry.fromConnectionString(requireEnv('OUTPOST_CS_BAD_KEY'));
await step(
  'wrongKey',
  () => badKey.get('dup-1'),
  (r) => r.responseBody.deviceId,
);
const reader = Registry.fromConnectionString(requireEnv('OUTPOST_CS_READ'));
await step(
  'readerGet',
  () => reader.get('dup-1'),
  (r) => r.responseBody.deviceId,
);
await step(
  'readerCreate',
  () => reader.create({ deviceId: 'by-reader' }),
  (r) => r.responseBody.deviceId,
);

finish();
