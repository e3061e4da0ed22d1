import { createOneTimeTokenStore, type HubError, isHubError } from '@outpost/core';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../helpers/fake-clock';
import { ADMIN, usersHub } from './helpers';

const IP = '10.1.2.3';

async function failure(p: Promise<unknown>): Promise<HubError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isHubError(err)) throw new Error(`expected a HubError, got ${String(err)}`);
  return err;
}

describe('one-time token store', () => {
  it('issues 32 random bytes (base64url) that name their user once, for 60 s', () => {
    const clock = createFakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const store = createOneTimeTokenStore({ clock });
    const a = store.issue('admin');
    const b = store.issue('admin');
    expect(a.token).toMatch(/^ott_[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.expiresAt).toBe('2026-01-01T00:01:00.000Z');
    expect(store.consume(a.token)).toBe('admin');
    expect(store.consume(a.token)).toBeUndefined();
    clock.advance(60_000);
    expect(store.consume(b.token)).toBeUndefined();
    expect(store.size()).toBe(0);
  });

  it('refuses made-up tokens and session-shaped ones', () => {
    const store = createOneTimeTokenStore({ clock: createFakeClock(0) });
    store.issue('admin');
    expect(store.consume('ott_nope')).toBeUndefined();
    expect(store.consume('opt_nope')).toBeUndefined();
    expect(store.consume('')).toBeUndefined();
  });

  it('keeps at most maxTokens, dropping the oldest, and sweeps expired ones', () => {
    const clock = createFakeClock(0);
    const store = createOneTimeTokenStore({ clock, maxTokens: 3, ttlMs: 1_000 });
    const first = store.issue('a');
    const rest = [store.issue('b'), store.issue('c'), store.issue('d')];
    expect(store.size()).toBe(3);
    expect(store.consume(first.token)).toBeUndefined();
    expect(store.consume(rest[2]!.token)).toBe('d');
    clock.advance(1_000);
    store.issue('e');
    expect(store.size()).toBe(1);
  });
});

describe('login with a one-time token', () => {
  it('exchanges the token for a normal session once', async () => {
    const { hub } = await usersHub();
    const { token } = hub.logins.issueOneTimeToken('admin');
    const session = await hub.logins.login({ oneTimeToken: token, clientIp: IP });
    expect(session.user).toEqual({ name: 'admin', role: 'admin' });
    expect(hub.sessions.authenticate(session.token)?.user.name).toBe('admin');
    const again = await failure(hub.logins.login({ oneTimeToken: token, clientIp: IP }));
    expect(again.code).toBe('UNAUTHORIZED');
    expect(again.message).toBe('The one-time token is unknown, used or expired.');
  });

  it('refuses an expired token, a malformed body and a token of a deleted user', async () => {
    const { hub, clock } = await usersHub();
    const expired = hub.logins.issueOneTimeToken('admin');
    clock.advance(60_000);
    expect((await failure(hub.logins.login({ oneTimeToken: expired.token, clientIp: IP }))).code).toBe(
      'UNAUTHORIZED',
    );
    expect((await failure(hub.logins.login({ oneTimeToken: 42, clientIp: IP }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    await hub.users.create({ name: 'erin', role: 'viewer', password: 'erin-password' }, ADMIN);
    const erins = hub.logins.issueOneTimeToken('erin');
    await hub.users.remove('erin', ADMIN);
    expect((await failure(hub.logins.login({ oneTimeToken: erins.token, clientIp: IP }))).code).toBe(
      'UNAUTHORIZED',
    );
  });

  it('issues tokens only for existing users, with their current role', async () => {
    const { hub } = await usersHub();
    expect(() => hub.logins.issueOneTimeToken('ghost')).toThrow(/No user named ghost/);
    await hub.users.create({ name: 'vic', role: 'viewer', password: 'vic-password' }, ADMIN);
    const { token } = hub.logins.issueOneTimeToken('vic');
    await hub.users.setRole('vic', 'operator', ADMIN);
    const session = await hub.logins.login({ oneTimeToken: token, clientIp: IP });
    expect(session.user).toEqual({ name: 'vic', role: 'operator' });
  });

  it('throttles an address spraying made-up tokens like failed password logins', async () => {
    const { hub } = await usersHub();
    for (let i = 0; i < 5; i++) {
      const err = await failure(hub.logins.login({ oneTimeToken: `ott_guess${i}`, clientIp: '10.6.6.6' }));
      expect(err.code).toBe('UNAUTHORIZED');
    }
    const { token } = hub.logins.issueOneTimeToken('admin');
    const throttled = await failure(hub.logins.login({ oneTimeToken: token, clientIp: '10.6.6.6' }));
    expect(throttled.code).toBe('THROTTLED');
    // Another address is not affected, and the token was not used up by the throttled attempt.
    const ok = await hub.logins.login({ oneTimeToken: token, clientIp: '10.6.6.7' });
    expect(ok.user.name).toBe('admin');
  });

  it('keeps its count apart from password logins: wrong passwords from 127.0.0.1 do not lock the desktop out', async () => {
    const { hub } = await usersHub();
    for (let i = 0; i < 5; i++) {
      const err = await failure(
        hub.logins.login({ name: 'admin', password: `wrong-${i}`, clientIp: '127.0.0.1' }),
      );
      expect(err.code).toBe('UNAUTHORIZED');
    }
    const blocked = await failure(hub.logins.login({ name: 'admin', password: 'x', clientIp: '127.0.0.1' }));
    expect(blocked.code).toBe('THROTTLED');
    const { token } = hub.logins.issueOneTimeToken('admin');
    const ok = await hub.logins.login({ oneTimeToken: token, clientIp: '127.0.0.1' });
    expect(ok.user.name).toBe('admin');
    // …and the redeemed token forgave nothing: password guessing from there stays throttled.
    const still = await failure(hub.logins.login({ name: 'admin', password: 'y', clientIp: '127.0.0.1' }));
    expect(still.code).toBe('THROTTLED');
  });
});
