import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, TEST_ADMIN_PASSWORD } from '../../helpers/operator-client';
import { startTestHub, type TestHub } from '../../helpers/test-hub';
import { cleanEnv, connectionFlags, connectionString, runOutpost } from './cli-harness';

let hub: TestHub;
let dir: string;
let env: NodeJS.ProcessEnv;
let sessionEnv: NodeJS.ProcessEnv;
beforeAll(async () => {
  hub = await startTestHub();
  dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-cli-fleet-'));
  env = cleanEnv(path.join(dir, 'no-session.json'));
  const sessionFile = path.join(dir, 'session.json');
  const token = await loginAs(hub, 'admin', TEST_ADMIN_PASSWORD);
  await writeFile(
    sessionFile,
    JSON.stringify({
      url: hub.runtime.urls.https,
      ca: hub.runtime.paths.caPem,
      token,
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      user: { name: 'admin', role: 'admin' },
    }),
    { mode: 0o600 },
  );
  sessionEnv = cleanEnv(sessionFile);
});
afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

const cs = (args: string[]) => runOutpost([...args, ...connectionFlags(hub)], env);

describe('outpost device / twin with a connection string (real processes)', () => {
  it('adds a device with tags and edge, shows and lists it as JSON', async () => {
    const add = await cs(['device', 'add', 'cli-a', '--tags', '{"site":"plantA"}', '--edge', '--json']);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const created = JSON.parse(add.stdout);
    expect(created).toMatchObject({ deviceId: 'cli-a', status: 'enabled', capabilities: { iotEdge: true } });
    expect(created.authentication.symmetricKey.primaryKey).toBeTruthy();

    const show = await cs(['device', 'show', 'cli-a', '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ deviceId: 'cli-a', etag: created.etag });
    const human = await cs(['device', 'show', 'cli-a']);
    expect(human.stdout).toMatch(/^deviceId:\s+cli-a$/m);
    expect(human.stdout).not.toContain(created.authentication.symmetricKey.primaryKey);

    await cs(['device', 'add', 'cli-b']);
    const list = await cs(['device', 'list', '--json']);
    const rows = JSON.parse(list.stdout) as { deviceId: string; tags?: unknown }[];
    expect(rows.map((r) => r.deviceId)).toEqual(['cli-a', 'cli-b']);
    expect(rows[0]?.tags).toEqual({ site: 'plantA' });
    const table = await cs(['device', 'list']);
    expect(table.stdout).toMatch(/^DEVICE\s+STATUS\s+CONNECTION/);
    expect(table.stdout).toMatch(/^cli-a\s+enabled\s+Disconnected\s+.*yes\s+\{"site":"plantA"\}$/m);
  });

  it('disables, re-enables and removes a device', async () => {
    await cs(['device', 'add', 'cli-c']);
    const upd = await cs(['device', 'update', 'cli-c', '--status', 'disabled', '--reason', 'stolen']);
    expect(upd.stdout.trim()).toBe('updated cli-c: disabled (stolen)');
    expect(hub.runtime.hub.registry.get('cli-c')).toMatchObject({
      status: 'disabled',
      statusReason: 'stolen',
    });
    const bad = await cs(['device', 'update', 'cli-c', '--status', 'off']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--status must be enabled or disabled/);
    expect((await cs(['device', 'remove', 'cli-c'])).stdout.trim()).toBe('removed cli-c');
    const gone = await cs(['device', 'show', 'cli-c']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/HTTP 404 DeviceNotFound/);
  });

  it('patches and shows a twin, honouring --etag', async () => {
    await cs(['device', 'add', 'cli-t']);
    const patched = await cs([
      'twin',
      'patch',
      'cli-t',
      '--tags',
      '{"ring":"1"}',
      '--desired',
      '{"interval":30}',
      '--json',
    ]);
    expect(patched.code).toBe(0);
    const twin = JSON.parse(patched.stdout);
    expect(twin).toMatchObject({ tags: { ring: '1' }, properties: { desired: { interval: 30 } } });

    const show = await cs(['twin', 'show', 'cli-t']);
    expect(show.stdout).toMatch(/^etag:\s+\S+$/m);
    expect(show.stdout).toContain('"interval": 30');
    expect(show.stdout).not.toContain('$metadata');

    const stale = await cs([
      'twin',
      'patch',
      'cli-t',
      '--desired',
      '{"interval":60}',
      '--etag',
      'AAAAAAAAAAE=',
    ]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/HTTP 412/);
    const fresh = await cs(['twin', 'patch', 'cli-t', '--desired', '{"interval":60}', '--etag', twin.etag]);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toMatch(/^patched cli-t: version \d+, etag \S+$/m);
    const bad = await cs(['twin', 'patch', 'cli-t', '--tags', '{oops']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--tags is not valid JSON/);
  });
});

describe('outpost device with the saved login (OUTPOST_SESSION_FILE)', () => {
  it('adds, shows and lists devices as the logged-in admin', async () => {
    const add = await runOutpost(['device', 'add', 'login-dev', '--tags', '{"via":"login"}'], sessionEnv);
    expect(add.stderr).toBe('');
    expect(add.stdout).toMatch(/^created login-dev \(sas\) with tags/);
    const show = await runOutpost(['device', 'show', 'login-dev', '--json'], sessionEnv);
    expect(JSON.parse(show.stdout).deviceId).toBe('login-dev');
    const twin = await runOutpost(['twin', 'show', 'login-dev', '--json'], sessionEnv);
    expect(JSON.parse(twin.stdout).tags).toEqual({ via: 'login' });
  });

  it('prefers OUTPOST_CONNECTION_STRING over the saved login when both are there', async () => {
    const res = await runOutpost(['device', 'show', 'login-dev', '--json'], {
      ...sessionEnv,
      OUTPOST_CONNECTION_STRING: connectionString(hub, 'iothubowner', Buffer.alloc(32, 1).toString('base64')),
      OUTPOST_URL: hub.runtime.urls.https,
      OUTPOST_CA: hub.runtime.paths.caPem,
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/HTTP 401/);
  });
});

describe('errors that say what to do', () => {
  it('not logged in and no connection string', async () => {
    const res = await runOutpost(['device', 'list'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/Not logged in .*run `outpost login --url https:\/\/<hub>:8443/);
    expect(res.stderr).toMatch(/--connection-string/);
  });

  it('a wrong key: 401 with a hint about the token and the policy', async () => {
    const wrong = connectionString(hub, 'iothubowner', Buffer.alloc(32, 9).toString('base64'));
    const res = await runOutpost(
      [
        'device',
        'list',
        '--url',
        hub.runtime.urls.https,
        '--ca',
        hub.runtime.paths.caPem,
        '--connection-string',
        wrong,
      ],
      env,
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/HTTP 401/);
    expect(res.stderr).toMatch(/hint: the token expired or the policy lacks the right/);
  });

  it('a policy without the right (registryRead cannot add devices)', async () => {
    const res = await runOutpost(['device', 'add', 'nope', ...connectionFlags(hub, 'registryRead')], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/lacks the RegistryWrite permission/);
    expect(res.stderr).toMatch(/hint: the token expired or the policy lacks the right/);
  });

  it('a revoked saved login', async () => {
    const file = path.join(dir, 'revoked.json');
    await writeFile(
      file,
      JSON.stringify({
        url: hub.runtime.urls.https,
        ca: hub.runtime.paths.caPem,
        token: 'opt_not-a-real-token',
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      }),
    );
    const res = await runOutpost(['device', 'list'], cleanEnv(file));
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/HTTP 401/);
    expect(res.stderr).toMatch(/hint: the saved login expired or was revoked.*outpost login/);
  });

  it('connection refused: is the hub running?', async () => {
    const res = await runOutpost(
      [
        'device',
        'list',
        '--url',
        'https://127.0.0.1:1',
        '--ca',
        hub.runtime.paths.caPem,
        '--connection-string',
        connectionString(hub),
      ],
      env,
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/ECONNREFUSED.*is the hub running at https:\/\/127\.0\.0\.1:1\?/);
  });
});
