import { createSasToken } from '@outpost/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsRequest } from '../../helpers/https-client';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
  await hub.call('PUT', '/devices/err-1', { body: {} });
});
afterAll(() => hub.close());

/** Asserts the classic IoT Hub error body (service-api.md §1.7). */
function expectIotHubError(
  res: { status: number; json: unknown; headers: Record<string, unknown> },
  status: number,
  code: string,
) {
  expect(res.status).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/json');
  const body = res.json as { Message: string; ExceptionMessage: string };
  expect(body.Message).toMatch(new RegExp(`^ErrorCode:${code};[^;]+$`));
  expect(body.ExceptionMessage).toMatch(
    /^Tracking ID:[0-9a-f]{32}-G:0-TimeStamp:\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/,
  );
  expect(res.headers['iothub-errorcode']).toBe(code);
}

const now = () => Math.ceil(Date.now() / 1000);

describe('REST failure classes', () => {
  it('bad JSON → 400 IotHubFormatError', async () => {
    const res = await hub.call('PATCH', '/twins/err-1', {
      raw: '{"tags": {',
      headers: { 'content-type': 'application/json', 'if-match': '"*"' },
    });
    expectIotHubError(res, 400, 'IotHubFormatError');
  });

  it('a JSON array where an object belongs → 400', async () => {
    const res = await hub.call('PATCH', '/twins/err-1', { body: [1, 2], headers: { 'if-match': '"*"' } });
    expectIotHubError(res, 400, 'IotHubFormatError');
  });

  it('wrong content type → 415', async () => {
    const res = await hub.call('PUT', '/devices/err-2', {
      raw: 'deviceId=err-2',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectIotHubError(res, 415, 'UnsupportedMediaType');
    expect((await hub.call('GET', '/devices/err-2')).status).toBe(404);
  });

  it('oversized body → 413', async () => {
    const res = await hub.call('PATCH', '/twins/err-1', {
      raw: `{"tags":{"x":"${'a'.repeat(5 * 1024 * 1024)}"}}`,
      headers: { 'content-type': 'application/json', 'if-match': '"*"' },
    });
    expectIotHubError(res, 413, 'MessageTooLarge');
  });

  it('bad device id → 400 ArgumentInvalid', async () => {
    expectIotHubError(await hub.call('PUT', '/devices/bad%2Fid', { body: {} }), 400, 'ArgumentInvalid');
  });

  it('bad query → 400 ArgumentInvalid', async () => {
    expectIotHubError(
      await hub.call('POST', '/devices/query', { body: { query: 'SELECT * FROM widgets' } }),
      400,
      'ArgumentInvalid',
    );
  });

  it('stale etag → 412 PreconditionFailed', async () => {
    const res = await hub.call('PATCH', '/twins/err-1', {
      body: { tags: { a: 1 } },
      headers: { 'if-match': '"AAAAAAAAJxA="' },
    });
    expectIotHubError(res, 412, 'PreconditionFailed');
  });

  it('missing api-version → 400 InvalidProtocolVersion', async () => {
    const res = await httpsRequest({
      method: 'GET',
      url: `${hub.runtime.urls.https}/devices/err-1`,
      ca: hub.ca,
      headers: { authorization: hub.token() },
    });
    expectIotHubError(res, 400, 'InvalidProtocolVersion');
  });

  it('unknown route → 404 in the same format', async () => {
    expectIotHubError(await hub.call('GET', '/nothing/here'), 404, 'NotFound');
  });

  describe('authentication and permissions → 401 IotHubUnauthorizedAccess', () => {
    const get = (authorization?: string) =>
      httpsRequest({
        method: 'GET',
        url: `${hub.runtime.urls.https}/devices/err-1?api-version=2021-04-12`,
        ca: hub.ca,
        headers: authorization ? { authorization } : {},
      });

    it('accepts a valid token (control)', async () => {
      expect((await get(hub.token())).status).toBe(200);
    });
    it('no header', async () => expectIotHubError(await get(), 401, 'IotHubUnauthorizedAccess'));
    it('wrong key', async () => {
      expectIotHubError(
        await get(hub.token('iothubowner', { key: Buffer.alloc(32, 1).toString('base64') })),
        401,
        'IotHubUnauthorizedAccess',
      );
    });
    it('expired beyond the skew tolerance', async () => {
      expectIotHubError(
        await get(hub.token('iothubowner', { expiresAt: now() - 3600 })),
        401,
        'IotHubUnauthorizedAccess',
      );
    });
    it('accepted within the skew tolerance', async () => {
      expect((await get(hub.token('iothubowner', { expiresAt: now() - 60 }))).status).toBe(200);
    });
    it('signed for another hub', async () => {
      expectIotHubError(
        await get(hub.token('iothubowner', { sr: 'other-hub.example' })),
        401,
        'IotHubUnauthorizedAccess',
      );
    });
    it('host name in another case and via an alias', async () => {
      expect((await get(hub.token('iothubowner', { sr: 'LocalHost' }))).status).toBe(200);
      expect((await get(hub.token('iothubowner', { sr: '127.0.0.1' }))).status).toBe(200);
    });
    it('a device token (no skn)', async () => {
      const key = hub.runtime.hub.registry.get('err-1').authentication.symmetricKey.primaryKey!;
      const token = createSasToken({ resourceUri: 'localhost/devices/err-1', key, expiresAt: now() + 600 });
      expectIotHubError(await get(token), 401, 'IotHubUnauthorizedAccess');
    });
    it('Bearer tokens', async () =>
      expectIotHubError(await get('Bearer abc.def.ghi'), 401, 'IotHubUnauthorizedAccess'));

    it.each([
      ['service', 'GET', '/devices/err-1', 401],
      ['service', 'GET', '/twins/err-1', 200],
      ['registryRead', 'GET', '/devices/err-1', 200],
      ['registryRead', 'GET', '/statistics/devices', 200],
      ['registryRead', 'PUT', '/devices/perm-x', 401],
      ['registryRead', 'GET', '/twins/err-1', 401],
      ['registryRead', 'POST', '/devices/query', 401],
      ['registryReadWrite', 'PUT', '/devices/perm-y', 200],
      ['registryReadWrite', 'GET', '/devices/err-1', 200],
      ['registryReadWrite', 'PATCH', '/twins/err-1', 401],
      ['device', 'GET', '/devices/err-1', 401],
      ['service', 'POST', '/devices/query', 200],
    ])('policy %s: %s %s → %i', async (policy, method, path, status) => {
      const body = method === 'POST' ? { query: 'SELECT * FROM devices' } : method === 'GET' ? undefined : {};
      const res = await hub.call(method, path, {
        policy,
        ...(body !== undefined ? { body } : {}),
        headers: method === 'PATCH' ? { 'if-match': '"*"' } : {},
      });
      expect(res.status).toBe(status);
      if (status === 401) expectIotHubError(res, 401, 'IotHubUnauthorizedAccess');
    });
  });

  it('keeps serving after bad input', async () => {
    expect((await hub.call('GET', '/devices/err-1')).status).toBe(200);
  });
});
