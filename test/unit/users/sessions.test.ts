import { createMemoryStore, DEFAULT_SESSION_TTL_MS, sessionKey } from '@outpost/core';
import { describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_PASSWORD, usersHub } from './helpers';

const IP = '192.0.2.1';

describe('operator sessions', () => {
  it('issues a random opt_ token valid for 12 h by default, stored only as its hash', async () => {
    const { hub, store, clock } = await usersHub();
    const session = await hub.logins.login({ name: 'admin', password: ADMIN_PASSWORD, clientIp: IP });
    expect(session.token).toMatch(/^opt_[A-Za-z0-9_-]{43}$/);
    expect(session.user).toEqual({ name: 'admin', role: 'admin' });
    expect(Date.parse(session.expiresAt)).toBe(clock.now() + DEFAULT_SESSION_TTL_MS);
    const stored = (await store.load()).collections.get('sessions');
    expect([...(stored?.keys() ?? [])]).toEqual([sessionKey(session.token)]);
    expect(JSON.stringify([...(stored?.values() ?? [])])).not.toContain(session.token);
    const changes = await hub.feed.read(0, 100);
    expect(JSON.stringify(changes)).not.toContain(session.token);
  });

  it('expires tokens on the hub clock', async () => {
    const { hub, clock } = await usersHub();
    const { token } = await hub.logins.login({ name: 'admin', password: ADMIN_PASSWORD, clientIp: IP });
    clock.advance(DEFAULT_SESSION_TTL_MS - 1);
    expect(hub.sessions.authenticate(token)?.user.name).toBe('admin');
    clock.advance(1);
    expect(hub.sessions.authenticate(token)).toBeUndefined();
  });

  it('survives a restart, and logout revokes for good', async () => {
    const store = createMemoryStore();
    const first = await usersHub(store);
    const { token } = await first.hub.logins.login({ name: 'admin', password: ADMIN_PASSWORD, clientIp: IP });
    const second = await usersHub(store, first.clock);
    expect(second.hub.sessions.authenticate(token)?.user.name).toBe('admin');
    expect(await second.hub.logins.logout(token)).toBe(true);
    expect(second.hub.sessions.authenticate(token)).toBeUndefined();
    expect(await second.hub.logins.logout(token)).toBe(false);
    const third = await usersHub(store, first.clock);
    expect(third.hub.sessions.authenticate(token)).toBeUndefined();
  });

  it('reads the role live, and a password change or deletion ends every session of the user', async () => {
    const { hub } = await usersHub();
    await hub.users.create({ name: 'carol', role: 'operator', password: 'carol-password' }, ADMIN);
    const a = await hub.logins.login({ name: 'carol', password: 'carol-password', clientIp: IP });
    const b = await hub.logins.login({ name: 'carol', password: 'carol-password', clientIp: IP });
    await hub.users.setRole('carol', 'viewer', ADMIN);
    expect(hub.sessions.authenticate(a.token)?.user.role).toBe('viewer');
    await hub.users.setPassword('carol', 'carol-password-2', ADMIN);
    expect(hub.sessions.authenticate(a.token)).toBeUndefined();
    expect(hub.sessions.authenticate(b.token)).toBeUndefined();
    const c = await hub.logins.login({ name: 'carol', password: 'carol-password-2', clientIp: IP });
    await hub.users.remove('carol', ADMIN);
    expect(hub.sessions.authenticate(c.token)).toBeUndefined();
  });

  it('refuses tokens that are not operator tokens', async () => {
    const { hub } = await usersHub();
    expect(hub.sessions.authenticate('')).toBeUndefined();
    expect(hub.sessions.authenticate('eyJhbGciOiJSUzI1NiJ9.e30.sig')).toBeUndefined();
    expect(hub.sessions.authenticate(`opt_${'A'.repeat(43)}`)).toBeUndefined();
  });

  it('keeps at most 50 sessions per user, dropping the oldest', async () => {
    const { hub, clock } = await usersHub();
    const admin = hub.users.get('admin')!;
    const first = await hub.sessions.issue(admin);
    for (let i = 0; i < 50; i++) {
      clock.advance(1);
      await hub.sessions.issue(admin);
    }
    expect(hub.sessions.authenticate(first.token)).toBeUndefined();
    expect(hub.sessions.size()).toBe(50);
  });
});
