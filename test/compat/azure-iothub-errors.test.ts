/**
 * How the unmodified azure-iothub SDK sees Outpost's failures (service-api.md §1.3, §1.6, §1.7):
 * the error class it picks, the status and the raw body. The SDK runs in clients/errors-client.ts.
 */
import { createSasToken } from '@outpost/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompatHub, startCompatHub } from '../helpers/compat-hub';
import { type CompatRun, runCompatClient } from '../helpers/compat-runner';

type BulkResult = { isSuccessful: boolean; errors: { deviceId: string; errorCode: string }[] };

const CLIENT = 'test/compat/clients/errors-client.ts';
let hub: CompatHub;
let run: CompatRun;
let untrusted: CompatRun;

beforeAll(async () => {
  hub = await startCompatHub();
  const owner = hub.runtime.hub.policies.get('iothubowner')!;
  const now = Math.ceil(Date.now() / 1000);
  const sas = (expiresAt: number) =>
    createSasToken({ resourceUri: hub.address, key: owner.primaryKey, policyName: owner.name, expiresAt });
  const env = {
    OUTPOST_CS_OWNER: hub.connectionString(),
    OUTPOST_CS_SERVICE: hub.connectionString('service'),
    OUTPOST_CS_READ: hub.connectionString('registryRead'),
    OUTPOST_CS_READWRITE: hub.connectionString('registryReadWrite'),
    OUTPOST_CS_DEVICE: hub.connectionString('device'),
    OUTPOST_SAS_VALID: sas(now + 3600),
    // Well past the hub's clock-skew allowance (300 s in the test config).
    OUTPOST_SAS_EXPIRED: sas(now - 3600),
  };
  [run, untrusted] = await Promise.all([
    runCompatClient(CLIENT, { env: { ...hub.childEnv(), ...env }, timeoutMs: 150_000 }),
    runCompatClient(CLIENT, {
      args: ['untrusted'],
      env: { ...env, NODE_EXTRA_CA_CERTS: undefined, NODE_TLS_REJECT_UNAUTHORIZED: undefined },
      timeoutMs: 150_000,
    }),
  ]);
}, 180_000);
afterAll(() => hub?.close());

describe('azure-iothub error mapping against Outpost on :443', () => {
  it('runs both scenarios to the end', () => {
    for (const r of [run, untrusted]) {
      expect(r.timedOut).toBe(false);
      r.ok('done');
      expect(r.code).toBe(0);
    }
  });

  it('is refused by TLS without the site CA: the trust path is the real one', () => {
    // The server sends its CA along (it asks device CAs for client certificates), hence either code.
    expect(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN']).toContain(
      untrusted.failed('untrustedGet').code,
    );
  });

  it('maps every missing-device call to DeviceNotFoundError with the classic body', () => {
    expect(run.ok('seed')).toBe('known');
    for (const name of [
      'getMissing',
      'updateMissing',
      'deleteMissing',
      'getTwinMissing',
      'updateTwinMissing',
    ]) {
      const err = run.failed(name);
      expect(err, name).toMatchObject({ name: 'DeviceNotFoundError', statusCode: 404 });
      const body = JSON.parse(err.responseBody ?? '') as { Message: string; ExceptionMessage: string };
      expect(body.Message, name).toMatch(/^ErrorCode:DeviceNotFound;[^;]+$/);
      expect(body.ExceptionMessage, name).toMatch(/^Tracking ID:[0-9a-f]{32}-G:0-TimeStamp:/);
      // parseErrorBody keeps only the text after the code.
      expect(err.message, name).toBe(body.Message.split(';')[1]);
    }
  });

  it('answers bad keys and a reported-properties patch with ArgumentError', () => {
    expect(run.failed('createBadKeys')).toMatchObject({ name: 'ArgumentError', statusCode: 400 });
    expect(run.failed('patchReported')).toMatchObject({ name: 'ArgumentError', statusCode: 400 });
  });

  it('reports per-device bulk failures: a repeated id, a stale etag on DeleteIfMatchETag', () => {
    const dup = run.failed('bulkDuplicateIds');
    expect(dup).toMatchObject({ name: 'ArgumentError', statusCode: 400 });
    const dupBody = JSON.parse(dup.responseBody ?? '') as BulkResult;
    expect(dupBody.isSuccessful).toBe(false);
    expect(dupBody.errors.map((e) => e.errorCode)).toContain('DeviceDefinedMultipleTimes');

    const stale = run.failed('bulkRemoveStaleEtag');
    expect(stale).toMatchObject({ name: 'ArgumentError', statusCode: 400 });
    const staleBody = JSON.parse(stale.responseBody ?? '') as BulkResult;
    expect(staleBody.errors).toEqual([
      expect.objectContaining({ deviceId: 'known', errorCode: 'PreconditionFailed' }),
    ]);
    expect(run.ok('knownStillThere')).toBe('known');
  });

  it('round-trips an id with the punctuation IoT Hub allows', () => {
    const odd = "odd:a.b_c*!(x),@$'";
    expect(run.ok('oddCreate')).toBe(odd);
    expect(run.ok('oddGet')).toBe(odd);
    expect(run.ok('oddTwin')).toEqual({ odd: true });
    expect(run.ok('oddDelete')).toBe(204);
  });

  it('enforces policy rights with 401 UnauthorizedError, never 403', () => {
    const refused = ['serviceList', 'readerGetTwin', 'readerQuery', 'readerDelete', 'devicePolicyGet'];
    for (const name of refused) {
      expect(run.failed(name), name).toMatchObject({ name: 'UnauthorizedError', statusCode: 401 });
    }
    expect(run.ok('serviceGetTwin')).toBe('known');
    expect(run.ok('writerCreate')).toBe('by-writer');
    expect(run.ok('writerDelete')).toBe(204);
  });

  it('accepts a token given to fromSharedAccessSignature and refuses an expired one', () => {
    expect(run.ok('sasValidGet')).toBe('known');
    expect(run.failed('sasExpiredGet')).toMatchObject({ name: 'UnauthorizedError', statusCode: 401 });
  });
});
