import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '@outpost/core';
import { startEdgeRuntime } from '@outpost/edge-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeClock } from '../../helpers/fake-clock';
import { loginAs, operatorCall, TEST_ADMIN_PASSWORD } from '../../helpers/operator-client';
import { OWNER_KEY, startTestHub, type TestHub, testConfig } from '../../helpers/test-hub';

let hub: TestHub;
const tokens: Record<'admin' | 'operator' | 'viewer', string> = { admin: '', operator: '', viewer: '' };

beforeAll(async () => {
  hub = await startTestHub();
  await hub.call('PUT', '/devices/m-dev', { body: {} });
  tokens.admin = await loginAs(hub, 'admin', TEST_ADMIN_PASSWORD);
  const accounts = { op1: 'operator', view1: 'viewer' } as const;
  for (const [name, role] of Object.entries(accounts)) {
    const body = { name, role, password: `${name}-password` };
    expect(
      (await operatorCall(hub, { method: 'POST', path: '/api/v1/users', token: tokens.admin, body })).status,
    ).toBe(201);
    tokens[role] = await loginAs(hub, name, `${name}-password`);
  }
});
afterAll(() => hub.close());

const errorCode = (text: string) => /ErrorCode:([^;]*);/.exec(text)?.[1];

describe('POST /api/v1/login', () => {
  it('answers {token, expiresAt, user} with a 12 h token, never cached', async () => {
    const res = await operatorCall(hub, {
      method: 'POST',
      path: '/api/v1/login',
      body: { username: 'admin', password: TEST_ADMIN_PASSWORD },
    });
    expect(res.status).toBe(200);
    const body = res.json as { token: string; expiresAt: string; user: unknown };
    expect(body.user).toEqual({ name: 'admin', role: 'admin' });
    const ttl = Date.parse(body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(12 * 3600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(12 * 3600_000);
    expect(res.headers['cache-control']).toBe('no-store');
    const session = await operatorCall(hub, { method: 'GET', path: '/api/v1/session', token: body.token });
    expect(session.json).toEqual({ user: { name: 'admin', role: 'admin' }, expiresAt: body.expiresAt });
  });

  it('answers a wrong password and an unknown user with the same 401', async () => {
    const login = (username: string, password: string) =>
      operatorCall(hub, {
        method: 'POST',
        path: '/api/v1/login',
        body: { username, password },
        localAddress: '127.0.0.4',
      });
    const wrong = await login('admin', 'not-the-password');
    const unknown = await login('nobody', 'not-the-password');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(errorCode(wrong.text)).toBe('IotHubUnauthorizedAccess');
    expect((wrong.json as { Message: string }).Message).toBe((unknown.json as { Message: string }).Message);
  });

  it('throttles a user name after 5 failures with 429 ThrottlingException and Retry-After', async () => {
    await operatorCall(hub, {
      method: 'POST',
      path: '/api/v1/users',
      token: tokens.admin,
      body: { name: 'target', role: 'viewer', password: 'target-password' },
    });
    const attempt = (password: string) =>
      operatorCall(hub, {
        method: 'POST',
        path: '/api/v1/login',
        body: { username: 'target', password },
        localAddress: '127.0.0.2',
      });
    for (let i = 0; i < 5; i++) expect((await attempt(`guess-${i}`)).status).toBe(401);
    const throttled = await attempt('target-password');
    expect(throttled.status).toBe(429);
    expect(errorCode(throttled.text)).toBe('ThrottlingException');
    expect(throttled.headers['retry-after']).toBe('1');
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await attempt('target-password')).status).toBe(200);
  });

  it('throttles an address trying unknown names the same way, revealing nothing', async () => {
    const attempt = (username: string) =>
      operatorCall(hub, {
        method: 'POST',
        path: '/api/v1/login',
        body: { username, password: 'x-password' },
        localAddress: '127.0.0.3',
      });
    for (let i = 0; i < 5; i++) expect((await attempt(`ghost-${i}`)).status).toBe(401);
    const ghost = await attempt('ghost-9');
    const real = await attempt('admin');
    expect([ghost.status, real.status]).toEqual([429, 429]);
    expect((ghost.json as { Message: string }).Message).toBe((real.json as { Message: string }).Message);
  });

  it('logout revokes the token', async () => {
    const token = await loginAs(hub, 'view1', 'view1-password');
    expect((await operatorCall(hub, { method: 'GET', path: '/devices/m-dev', token })).status).toBe(200);
    expect((await operatorCall(hub, { method: 'POST', path: '/api/v1/logout', token })).status).toBe(204);
    const after = await operatorCall(hub, { method: 'GET', path: '/devices/m-dev', token });
    expect(after.status).toBe(401);
    expect(errorCode(after.text)).toBe('IotHubUnauthorizedAccess');
  });

  it('refuses missing, unknown and malformed bearer tokens with 401', async () => {
    for (const authorization of ['Bearer opt_unknown', 'Bearer ', 'Bearer eyJ0eXAi.e30.x']) {
      const res = await operatorCall(hub, {
        method: 'GET',
        path: '/devices/m-dev',
        headers: { authorization },
      });
      expect([res.status, errorCode(res.text)]).toEqual([401, 'IotHubUnauthorizedAccess']);
    }
    expect((await operatorCall(hub, { method: 'GET', path: '/api/v1/audit' })).status).toBe(401);
  });
});

describe('token expiry', () => {
  it('answers 401 once the token is 12 h old (hub clock)', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'outpost-expiry-'));
    const clock = createFakeClock(Date.now());
    const runtime = await startEdgeRuntime(testConfig(dataDir), {
      logger: silentLogger,
      clock,
      ownerKey: OWNER_KEY,
      adminPassword: TEST_ADMIN_PASSWORD,
    });
    try {
      const target = { runtime, ca: await readFile(runtime.paths.caPem, 'utf8') };
      const token = await loginAs(target, 'admin', TEST_ADMIN_PASSWORD);
      expect((await operatorCall(target, { method: 'GET', path: '/devices', token })).status).toBe(200);
      clock.advance(12 * 3600_000 - 1_000);
      expect((await operatorCall(target, { method: 'GET', path: '/devices', token })).status).toBe(200);
      clock.advance(1_000);
      expect((await operatorCall(target, { method: 'GET', path: '/devices', token })).status).toBe(401);
    } finally {
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('role × operation', () => {
  type Op = { name: string; method: string; path: (role: string) => string; body?: unknown };
  const ops: Op[] = [
    { name: 'GET device', method: 'GET', path: () => '/devices/m-dev' },
    { name: 'PUT device', method: 'PUT', path: (r) => `/devices/matrix-${r}`, body: {} },
    { name: 'PATCH twin', method: 'PATCH', path: () => '/twins/m-dev', body: { tags: { touched: true } } },
    {
      name: 'POST query',
      method: 'POST',
      path: () => '/devices/query',
      body: { query: 'SELECT * FROM devices' },
    },
    {
      name: 'POST method',
      method: 'POST',
      path: () => '/twins/m-dev/methods',
      body: { methodName: 'reboot', payload: {}, responseTimeoutInSeconds: 5 },
    },
    { name: 'GET users', method: 'GET', path: () => '/api/v1/users' },
    { name: 'POST users', method: 'POST', path: () => '/api/v1/users' },
  ];
  // The device is offline: a permitted method call gets 404 DeviceNotOnline.
  const expected: Record<string, [number, number, number]> = {
    'GET device': [200, 200, 200],
    'PUT device': [200, 200, 401],
    'PATCH twin': [200, 200, 401],
    'POST query': [200, 200, 200],
    'POST method': [404, 404, 401],
    'GET users': [200, 403, 403],
    'POST users': [201, 403, 403],
  };

  it('answers each role with the exact status', async () => {
    const actual: Record<string, number[]> = {};
    for (const op of ops) {
      actual[op.name] = [];
      for (const role of ['admin', 'operator', 'viewer'] as const) {
        const body =
          op.name === 'POST users'
            ? { name: `made-by-${role}`, role: 'viewer', password: 'made-password' }
            : op.body;
        const res = await operatorCall(hub, {
          method: op.method,
          path: op.path(role),
          token: tokens[role],
          body,
        });
        actual[op.name]!.push(res.status);
        if (res.status === 401) expect(errorCode(res.text)).toBe('IotHubUnauthorizedAccess');
        if (res.status === 403) expect(errorCode(res.text)).toBe('Forbidden');
      }
    }
    expect(actual).toEqual(expected);
  });

  it('maps routes added by others (jobs, configurations): reads to viewer, writes to operator', async () => {
    const viewer = (method: string, p: string, body?: unknown) =>
      operatorCall(hub, { method, path: p, token: tokens.viewer, body }).then((r) => r.status);
    expect(await viewer('GET', '/configurations')).toBe(200);
    expect(await viewer('GET', '/jobs/v2/query')).toBe(200);
    expect(await viewer('PUT', '/configurations/cfg-x', { id: 'cfg-x' })).toBe(401);
    expect(await viewer('PUT', '/jobs/v2/job-x', { jobId: 'job-x' })).toBe(401);
  });

  it('hides device keys from a viewer, but not from an operator or a RegistryRead policy', async () => {
    const keysOf = async (res: Promise<{ json: unknown }>) =>
      ((await res).json as { authentication: { symmetricKey: { primaryKey: string | null } } }).authentication
        .symmetricKey.primaryKey;
    const get = (token: string) => operatorCall(hub, { method: 'GET', path: '/devices/m-dev', token });
    expect(await keysOf(get(tokens.viewer))).toBeNull();
    expect(await keysOf(get(tokens.operator))).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(await keysOf(hub.call('GET', '/devices/m-dev', { policy: 'registryRead' }))).toMatch(/=$/);
    const list = await operatorCall(hub, { method: 'GET', path: '/devices', token: tokens.viewer });
    const listed = list.json as { authentication: { symmetricKey: { primaryKey: string | null } } }[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((d) => d.authentication.symmetricKey.primaryKey === null)).toBe(true);
  });

  it('keeps SAS policies working as before, and refuses them on the users API', async () => {
    expect((await hub.call('GET', '/devices/m-dev', { policy: 'registryRead' })).status).toBe(200);
    expect((await hub.call('PUT', '/devices/sas-dev', { policy: 'registryRead', body: {} })).status).toBe(
      401,
    );
    expect((await hub.call('PUT', '/devices/sas-dev', { body: {} })).status).toBe(200);
    const users = await hub.call('GET', '/api/v1/users');
    expect([users.status, errorCode(users.text)]).toEqual([403, 'Forbidden']);
    expect((await hub.call('GET', '/api/v1/audit')).status).toBe(200);
  });
});

describe('GET /api/v1/audit', () => {
  const audit = async (query: string, token = tokens.admin) => {
    const res = await operatorCall(hub, { method: 'GET', path: `/api/v1/audit${query}`, token });
    expect(res.status).toBe(200);
    return res.json as { items: AuditItem[]; nextAfterSeq: number | null; firstRetainedSeq: number };
  };
  type AuditItem = {
    seq: number;
    kind: string;
    id: string;
    deviceId?: string;
    actor: { type: string; id: string };
  };

  it('attributes device create/update/delete, twin patch and user create to the user', async () => {
    const as = (method: string, p: string, body?: unknown, headers?: Record<string, string>) =>
      operatorCall(hub, { method, path: p, token: tokens.operator, body, ...(headers ? { headers } : {}) });
    expect((await as('PUT', '/devices/audited', {})).status).toBe(200);
    expect((await as('PUT', '/devices/audited', { status: 'disabled' }, { 'if-match': '*' })).status).toBe(
      200,
    );
    expect((await as('PATCH', '/twins/audited', { properties: { desired: { fan: 'on' } } })).status).toBe(
      200,
    );
    expect((await as('DELETE', '/devices/audited', undefined, { 'if-match': '*' })).status).toBe(204);
    const mine = await audit('?deviceId=audited');
    expect(mine.items.map((e) => [e.kind, e.actor])).toEqual(
      ['deviceCreated', 'deviceUpdated', 'twinDesiredChanged', 'deviceDeleted'].map((k) => [
        k,
        { type: 'user', id: 'op1' },
      ]),
    );
    const created = await audit('?kind=userCreated&actor=user:admin');
    expect(created.items.map((e) => e.id)).toEqual(expect.arrayContaining(['op1', 'view1']));
  });

  it('filters by actor, kind and time, and pages with nextAfterSeq', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const byOp = await audit(`?actor=op1&since=${encodeURIComponent(since)}`);
    expect(byOp.items.length).toBeGreaterThanOrEqual(4);
    expect(byOp.items.every((e) => e.actor.id === 'op1')).toBe(true);
    expect((await audit('?until=2000-01-01T00:00:00Z')).items).toEqual([]);
    const all = await audit('?limit=500');
    const seen: number[] = [];
    let cursor = 0;
    for (;;) {
      const page = await audit(`?limit=3&afterSeq=${cursor}`);
      seen.push(...page.items.map((e) => e.seq));
      if (page.nextAfterSeq === null) break;
      cursor = page.nextAfterSeq;
    }
    expect(seen).toEqual(all.items.map((e) => e.seq));
    const bad = await operatorCall(hub, {
      method: 'GET',
      path: '/api/v1/audit?limit=501',
      token: tokens.admin,
    });
    expect(bad.status).toBe(400);
  });

  it('hides user changes from non-admins and never shows a secret', async () => {
    const viewer = await audit('?limit=500', tokens.viewer);
    expect(viewer.items.some((e) => e.kind.startsWith('user'))).toBe(false);
    const admin = await audit('?limit=500');
    expect(admin.items.some((e) => e.kind === 'userCreated')).toBe(true);
    const text = JSON.stringify(admin);
    const owner = hub.runtime.hub.policies.get('iothubowner')!;
    for (const secret of [owner.primaryKey, TEST_ADMIN_PASSWORD, 'op1-password', tokens.admin, 'scrypt$']) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/primaryKey|secondaryKey|passwordHash/);
  });
});
