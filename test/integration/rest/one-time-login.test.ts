import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorCall } from '../../helpers/operator-client';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const login = (body: unknown) =>
  operatorCall(hub, { method: 'POST', path: '/api/v1/login', body, localAddress: '127.0.0.3' });

describe('POST /api/v1/login with {"oneTimeToken"}', () => {
  it('signs in once with the same session answer as a password login, then answers 401', async () => {
    const { token } = hub.runtime.hub.logins.issueOneTimeToken('admin');
    const first = await login({ oneTimeToken: token });
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    const session = first.json as { token: string; expiresAt: string; user: unknown };
    expect(session.user).toEqual({ name: 'admin', role: 'admin' });
    const who = await operatorCall(hub, { method: 'GET', path: '/api/v1/session', token: session.token });
    expect(who.json).toEqual({ user: { name: 'admin', role: 'admin' }, expiresAt: session.expiresAt });

    const second = await login({ oneTimeToken: token });
    expect(second.status).toBe(401);
    expect((second.json as { Message: string }).Message).toContain('one-time token');
  });

  it('answers 400 for a token that is not a string, and keeps password logins working', async () => {
    expect((await login({ oneTimeToken: 7 })).status).toBe(400);
    const password = await login({ username: 'admin', password: 'admin-password-for-tests' });
    expect(password.status).toBe(200);
  });

  it('is described in the OpenAPI document as the alternative body', async () => {
    const res = await operatorCall(hub, { method: 'GET', path: '/api/openapi.json' });
    const doc = res.json as { paths: Record<string, { post?: { requestBody?: unknown } }> };
    expect(JSON.stringify(doc.paths['/api/v1/login']?.post?.requestBody)).toContain('oneTimeToken');
  });
});
