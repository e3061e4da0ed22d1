import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, operatorCall, TEST_ADMIN_PASSWORD } from '../../helpers/operator-client';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);

let hub: TestHub;
let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  hub = await startTestHub();
  dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-cli-session-'));
  env = {
    ...process.env,
    OUTPOST_SESSION_FILE: path.join(dir, 'nested', 'session.json'),
    OUTPOST_URL: '',
    OUTPOST_CA: '',
    OUTPOST_USER: '',
    OUTPOST_PASSWORD: '',
    OUTPOST_NEW_PASSWORD: '',
  };
});
afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

function outpost(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, ['bin/outpost.mjs', ...args], {
    cwd: REPO_ROOT,
    env: { ...env, ...extraEnv },
  });
}

describe('outpost login / user / audit / logout (real processes)', () => {
  it('logs in and adds a user: `outpost login … && outpost user add …`', async () => {
    const script =
      'node bin/outpost.mjs login --url "$HUB_URL" --ca "$HUB_CA" --user admin && ' +
      'node bin/outpost.mjs user add field-tech --role operator';
    const { stdout } = await run('sh', ['-c', script], {
      cwd: REPO_ROOT,
      env: {
        ...env,
        HUB_URL: hub.runtime.urls.https,
        HUB_CA: hub.runtime.paths.caPem,
        OUTPOST_PASSWORD: TEST_ADMIN_PASSWORD,
        OUTPOST_NEW_PASSWORD: 'field-tech-password',
      },
    });
    expect(stdout).toMatch(/^logged in as admin \(admin\) until .*$/m);
    expect(stdout).toMatch(/^created field-tech \(operator\)$/m);
    const file = env.OUTPOST_SESSION_FILE as string;
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved).toMatchObject({ url: hub.runtime.urls.https, ca: hub.runtime.paths.caPem });
    expect(saved.token).toMatch(/^opt_/);
    expect(Date.parse(saved.expiresAt)).toBeGreaterThan(Date.now());
    expect(stdout).not.toContain(saved.token);
    await loginAs(hub, 'field-tech', 'field-tech-password');
  });

  it('lists users, changes a role and prints the audit trail', async () => {
    const list = await outpost(['user', 'list', '--json']);
    expect(JSON.parse(list.stdout).map((u: { name: string }) => u.name)).toEqual(['admin', 'field-tech']);
    await outpost(['user', 'set-role', 'field-tech', 'viewer']);
    expect(hub.runtime.hub.users.get('field-tech')?.role).toBe('viewer');
    const audit = await outpost(['audit', '--actor', 'user:admin', '--json']);
    const kinds = JSON.parse(audit.stdout).map((e: { kind: string; id: string }) => `${e.kind} ${e.id}`);
    expect(kinds).toEqual(['userCreated field-tech', 'userRoleChanged field-tech']);
    const text = await outpost(['audit', '--kind', 'userRoleChanged']);
    expect(text.stdout).toMatch(/^#\d+ \S+ user:admin userRoleChanged field-tech \{"role":"viewer"/m);
  });

  it('resets a password as admin, refuses bad input with exit 1, and removes a user', async () => {
    await outpost(['user', 'passwd', 'field-tech'], { OUTPOST_NEW_PASSWORD: 'field-tech-new-pw' });
    await loginAs(hub, 'field-tech', 'field-tech-new-pw');
    const bad = await outpost(['user', 'set-role', 'field-tech', 'root']).catch((e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/HTTP 400 ArgumentInvalid: role must be one of/);
    await outpost(['user', 'remove', 'field-tech']);
    expect(hub.runtime.hub.users.get('field-tech')).toBeUndefined();
  });

  it('changes your own password with the current one and renews the saved login', async () => {
    const file = env.OUTPOST_SESSION_FILE as string;
    const before = JSON.parse(await readFile(file, 'utf8')).token;
    const { stdout } = await outpost(['user', 'passwd'], {
      OUTPOST_PASSWORD: TEST_ADMIN_PASSWORD,
      OUTPOST_NEW_PASSWORD: 'admin-password-changed',
    });
    expect(stdout).toMatch(/password changed/);
    expect(JSON.parse(await readFile(file, 'utf8')).token).not.toBe(before);
    expect((await operatorCall(hub, { method: 'GET', path: '/api/v1/session', token: before })).status).toBe(
      401,
    );
    expect((await outpost(['user', 'list'])).stdout).toMatch(/^admin /m);
    await loginAs(hub, 'admin', 'admin-password-changed');
  });

  it('logs out: the token is revoked on the hub and the file removed', async () => {
    const file = env.OUTPOST_SESSION_FILE as string;
    const { token } = JSON.parse(await readFile(file, 'utf8'));
    const { stdout } = await outpost(['logout']);
    expect(stdout.trim()).toBe('logged out');
    expect((await operatorCall(hub, { method: 'GET', path: '/api/v1/session', token })).status).toBe(401);
    const after = await outpost(['user', 'list']).catch((e) => e);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/Not logged in/);
  });

  it('fails without a terminal and without OUTPOST_PASSWORD instead of waiting', async () => {
    const res = await outpost([
      'login',
      '--url',
      hub.runtime.urls.https,
      '--ca',
      hub.runtime.paths.caPem,
    ]).catch((e) => e);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/set OUTPOST_PASSWORD/);
  });
});
