import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, operatorCall, TEST_ADMIN_PASSWORD } from '../../helpers/operator-client';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;
let admin: string;
beforeAll(async () => {
  hub = await startTestHub();
  admin = await loginAs(hub, 'admin', TEST_ADMIN_PASSWORD);
});
afterAll(() => hub.close());

const api = (method: string, path: string, token: string, body?: unknown) =>
  operatorCall(hub, { method, path: `/api/v1${path}`, token, body });
const errorCode = (text: string) => /ErrorCode:([^;]*);/.exec(text)?.[1];

describe('/api/v1/users', () => {
  it('creates, lists and reads accounts without password hashes', async () => {
    const created = await api('POST', '/users', admin, {
      name: 'erin',
      role: 'operator',
      password: 'erin-password',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: 'erin',
      role: 'operator',
      createdBy: { type: 'user', id: 'admin' },
    });
    const dup = await api('POST', '/users', admin, {
      name: 'erin',
      role: 'viewer',
      password: 'erin-password',
    });
    expect([dup.status, errorCode(dup.text)]).toEqual([409, 'UserAlreadyExists']);
    const bad = await api('POST', '/users', admin, {
      name: 'frank',
      role: 'root',
      password: 'frank-password',
    });
    expect(bad.status).toBe(400);
    const list = await api('GET', '/users', admin);
    expect((list.json as { name: string }[]).map((u) => u.name)).toEqual(['admin', 'erin']);
    expect(list.text).not.toMatch(/scrypt|passwordHash|erin-password/);
  });

  it('lets a user read only their own account', async () => {
    const erin = await loginAs(hub, 'erin', 'erin-password');
    expect((await api('GET', '/users/erin', erin)).status).toBe(200);
    expect((await api('GET', '/users/admin', erin)).status).toBe(403);
    expect((await api('GET', '/users/nobody', admin)).status).toBe(404);
  });

  it('changes a role, effective for tokens already issued', async () => {
    const erin = await loginAs(hub, 'erin', 'erin-password');
    expect(
      (await operatorCall(hub, { method: 'PUT', path: '/devices/by-erin', token: erin, body: {} })).status,
    ).toBe(200);
    const changed = await api('PATCH', '/users/erin', admin, { role: 'viewer' });
    expect(changed.json).toMatchObject({ name: 'erin', role: 'viewer' });
    expect(
      (await operatorCall(hub, { method: 'PUT', path: '/devices/by-erin2', token: erin, body: {} })).status,
    ).toBe(401);
  });

  it('lets a user change their own password with the current one, and hands out a new token', async () => {
    const erin = await loginAs(hub, 'erin', 'erin-password');
    const wrong = await api('PUT', '/users/erin/password', erin, {
      currentPassword: 'nope',
      password: 'erin-new-pw',
    });
    expect(wrong.status).toBe(403);
    const missing = await api('PUT', '/users/erin/password', erin, { password: 'erin-new-pw' });
    expect(missing.status).toBe(400);
    const ok = await api('PUT', '/users/erin/password', erin, {
      currentPassword: 'erin-password',
      password: 'erin-new-pw',
    });
    expect(ok.status).toBe(200);
    const fresh = (ok.json as { token: string }).token;
    expect((await api('GET', '/session', erin)).status).toBe(401);
    expect((await api('GET', '/session', fresh)).status).toBe(200);
    expect((await api('PUT', '/users/admin/password', fresh, { password: 'hijacked-pw' })).status).toBe(403);
  });

  it('lets an admin reset a password, which ends the user’s sessions', async () => {
    const erin = await loginAs(hub, 'erin', 'erin-new-pw');
    expect((await api('PUT', '/users/erin/password', admin, { password: 'erin-reset-pw' })).status).toBe(204);
    expect((await api('GET', '/session', erin)).status).toBe(401);
    await loginAs(hub, 'erin', 'erin-reset-pw');
  });

  it('deletes users but never the last admin', async () => {
    const erin = await loginAs(hub, 'erin', 'erin-reset-pw');
    expect((await api('DELETE', '/users/erin', admin)).status).toBe(204);
    expect((await api('GET', '/session', erin)).status).toBe(401);
    const last = await api('DELETE', '/users/admin', admin);
    expect([last.status, errorCode(last.text)]).toEqual([409, 'LastAdmin']);
    const demote = await api('PATCH', '/users/admin', admin, { role: 'viewer' });
    expect([demote.status, errorCode(demote.text)]).toEqual([409, 'LastAdmin']);
    expect((await api('DELETE', '/users/erin', admin)).status).toBe(404);
  });
});
