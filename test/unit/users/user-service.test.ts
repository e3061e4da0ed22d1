import { createMemoryStore, isHubError } from '@outpost/core';
import { describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_PASSWORD, usersHub } from './helpers';

describe('user service', () => {
  it('creates the first admin on a new hub, with a hashed password', async () => {
    const { hub, store } = await usersHub();
    expect(hub.users.list()).toEqual([
      expect.objectContaining({
        name: 'admin',
        role: 'admin',
        createdBy: { type: 'system', id: 'first-start' },
      }),
    ]);
    expect(JSON.stringify(hub.users.list())).not.toContain('scrypt');
    const stored = (await store.load()).collections.get('users')?.get('admin') as { passwordHash: string };
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain(ADMIN_PASSWORD);
    expect(await hub.users.verify('admin', ADMIN_PASSWORD)).toMatchObject({ name: 'admin', role: 'admin' });
    expect(await hub.users.verify('admin', 'wrong-password')).toBeUndefined();
    expect(await hub.users.verify('nobody', ADMIN_PASSWORD)).toBeUndefined();
  });

  it('records every mutation in the change feed with its actor and never a password or hash', async () => {
    const { hub } = await usersHub();
    await hub.users.create({ name: 'alice', role: 'operator', password: 'alice-password' }, ADMIN);
    await hub.users.setRole('alice', 'viewer', ADMIN);
    await hub.users.setPassword('alice', 'alice-password-2', { type: 'user', id: 'alice' });
    await hub.users.remove('alice', ADMIN);
    const changes = await hub.feed.read(0, 100);
    expect(changes.map((c) => [c.kind, c.id, c.actor.id, c.patch])).toEqual([
      ['userCreated', 'alice', 'admin', { name: 'alice', role: 'operator' }],
      ['userRoleChanged', 'alice', 'admin', { role: 'viewer', previousRole: 'operator' }],
      ['userPasswordChanged', 'alice', 'alice', { passwordChanged: true }],
      ['userDeleted', 'alice', 'admin', { name: 'alice' }],
    ]);
    const text = JSON.stringify(changes);
    expect(text).not.toMatch(/scrypt|alice-password/);
  });

  it('persists accounts across a restart', async () => {
    const store = createMemoryStore();
    const first = await usersHub(store);
    await first.hub.users.create({ name: 'bob', role: 'viewer', password: 'bob-password' }, ADMIN);
    const again = await usersHub(store);
    expect(again.hub.users.get('bob')).toMatchObject({ name: 'bob', role: 'viewer' });
    expect(await again.hub.users.verify('bob', 'bob-password')).toBeDefined();
  });

  it('validates names, roles, passwords and duplicates', async () => {
    const { hub } = await usersHub();
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (err) => (isHubError(err) ? err.code : 'other'),
      );
    expect(
      await codeOf(hub.users.create({ name: 'a b', role: 'viewer', password: 'long-enough' }, ADMIN)),
    ).toBe('INVALID_ARGUMENT');
    expect(await codeOf(hub.users.create({ name: 'x', role: 'root', password: 'long-enough' }, ADMIN))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(hub.users.create({ name: 'x', role: 'viewer', password: 'short' }, ADMIN))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      await codeOf(hub.users.create({ name: 'admin', role: 'viewer', password: 'long-enough' }, ADMIN)),
    ).toBe('USER_ALREADY_EXISTS');
    expect(await codeOf(hub.users.setRole('ghost', 'viewer', ADMIN))).toBe('NOT_FOUND');
  });

  it('never demotes or deletes the last admin', async () => {
    const { hub } = await usersHub();
    await expect(hub.users.setRole('admin', 'operator', ADMIN)).rejects.toMatchObject({ code: 'LAST_ADMIN' });
    await expect(hub.users.remove('admin', ADMIN)).rejects.toMatchObject({ code: 'LAST_ADMIN' });
    await hub.users.create({ name: 'second', role: 'admin', password: 'second-password' }, ADMIN);
    await hub.users.setRole('admin', 'operator', ADMIN);
    await expect(hub.users.remove('second', ADMIN)).rejects.toMatchObject({ code: 'LAST_ADMIN' });
    await hub.users.remove('admin', ADMIN);
    expect(hub.users.list().map((u) => u.name)).toEqual(['second']);
  });
});
