/**
 * Error paths of the unmodified azure-iothub Registry, one JSON line per step (compat-child.ts).
 * `errors-client.ts untrusted`: a single call, made without the site CA. Otherwise env:
 * OUTPOST_CS_<OWNER|SERVICE|READ|READWRITE|DEVICE> and OUTPOST_SAS_<VALID|EXPIRED> (iothubowner tokens).
 * Run by test/compat/azure-iothub-errors.test.ts on a fresh hub.
 */
import iothub from 'azure-iothub';
import { finish, requireEnv, step } from '../../helpers/compat-child';

// azure-iothub is CommonJS whose exports Node's ESM loader cannot list: take them from the default.
const { Registry } = iothub;
const owner = Registry.fromConnectionString(requireEnv('OUTPOST_CS_OWNER'));
const id = (r: { responseBody: { deviceId: string } }) => r.responseBody.deviceId;

if (process.argv[2] === 'untrusted') {
  await step(
    'untrustedGet',
    () => owner.list(),
    (r) => r.responseBody.length,
  );
  finish();
} else {
  await step('seed', () => owner.create({ deviceId: 'known' }), id);

  // --- missing devices: only DeviceNotFound gets a typed 404 ------------------------------------
  await step('getMissing', () => owner.get('ghost'), id);
  await step('updateMissing', () => owner.update({ deviceId: 'ghost', status: 'disabled' }), id);
  await step(
    'deleteMissing',
    () => owner.delete('ghost'),
    (r) => r.httpResponse.statusCode,
  );
  await step('getTwinMissing', () => owner.getTwin('ghost'), id);
  await step('updateTwinMissing', () => owner.updateTwin('ghost', { tags: { a: 1 } }, '*'), id);

  // --- invalid input ------------------------------------------------------------------------------
  const badKeys = { symmetricKey: { primaryKey: 'c2hvcnQ=', secondaryKey: 'c2hvcnQ=' } };
  await step('createBadKeys', () => owner.create({ deviceId: 'bad-keys', authentication: badKeys }), id);
  await step(
    'patchReported',
    () => owner.updateTwin('known', { properties: { reported: { temp: 1 } } }, '*'),
    id,
  );
  await step(
    'bulkDuplicateIds',
    () => owner.addDevices([{ deviceId: 'twice' }, { deviceId: 'twice' }]),
    (r) => r.responseBody,
  );
  await step(
    'bulkRemoveStaleEtag',
    () => owner.removeDevices([{ deviceId: 'known', etag: 'bm90LWl0' }], false),
    (r) => r.responseBody,
  );
  await step('knownStillThere', () => owner.get('known'), id);

  // --- ids that encodeURIComponent partly leaves alone ( ' ( ) * ! ) survive the round trip ------
  const odd = "odd:a.b_c*!(x),@$'";
  await step('oddCreate', () => owner.create({ deviceId: odd }), id);
  await step('oddGet', () => owner.get(odd), id);
  await step(
    'oddTwin',
    () => owner.updateTwin(odd, { tags: { odd: true } }, '*'),
    (r) => r.responseBody.tags,
  );
  await step(
    'oddDelete',
    () => owner.delete(odd),
    (r) => r.httpResponse.statusCode,
  );

  // --- permissions (service-api.md §1.6): a missing right is 401, never 403 -------------------------
  const service = Registry.fromConnectionString(requireEnv('OUTPOST_CS_SERVICE'));
  await step(
    'serviceList',
    () => service.list(),
    (r) => r.responseBody.length,
  );
  await step('serviceGetTwin', () => service.getTwin('known'), id);
  const reader = Registry.fromConnectionString(requireEnv('OUTPOST_CS_READ'));
  await step('readerGetTwin', () => reader.getTwin('known'), id);
  await step(
    'readerQuery',
    () => reader.createQuery('SELECT * FROM devices').next(),
    (r) => r.result,
  );
  await step(
    'readerDelete',
    () => reader.delete('known'),
    (r) => r.httpResponse.statusCode,
  );
  const writer = Registry.fromConnectionString(requireEnv('OUTPOST_CS_READWRITE'));
  await step('writerCreate', () => writer.create({ deviceId: 'by-writer' }), id);
  await step(
    'writerDelete',
    () => writer.delete('by-writer'),
    (r) => r.httpResponse.statusCode,
  );
  const device = Registry.fromConnectionString(requireEnv('OUTPOST_CS_DEVICE'));
  await step('devicePolicyGet', () => device.get('known'), id);

  // --- fromSharedAccessSignature: the token is sent as given and never renewed ----------------------
  const valid = Registry.fromSharedAccessSignature(requireEnv('OUTPOST_SAS_VALID'));
  await step('sasValidGet', () => valid.get('known'), id);
  const expired = Registry.fromSharedAccessSignature(requireEnv('OUTPOST_SAS_EXPIRED'));
  await step('sasExpiredGet', () => expired.get('known'), id);

  finish();
}
