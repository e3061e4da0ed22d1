import { type HubError, isHubError } from '@outpost/core';
import { describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_PASSWORD, usersHub } from './helpers';

async function failure(p: Promise<unknown>): Promise<HubError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isHubError(err)) throw new Error(`expected a HubError, got ${String(err)}`);
  return err;
}

describe('login service', () => {
  it('answers an unknown user and a wrong password with the same error', async () => {
    const { hub } = await usersHub();
    const unknown = await failure(
      hub.logins.login({ name: 'ghost', password: 'whatever', clientIp: '1.1.1.1' }),
    );
    const wrong = await failure(
      hub.logins.login({ name: 'admin', password: 'whatever', clientIp: '1.1.1.2' }),
    );
    expect([unknown.code, unknown.message]).toEqual([wrong.code, wrong.message]);
    expect(unknown.code).toBe('UNAUTHORIZED');
    const malformed = await failure(hub.logins.login({ name: 5, password: undefined, clientIp: '1.1.1.3' }));
    expect(malformed.code).toBe('INVALID_ARGUMENT');
  });

  it('throttles a name after 5 failures, even the right password, with a Retry-After in seconds', async () => {
    const { hub, clock } = await usersHub();
    for (let i = 0; i < 5; i++) {
      const err = await failure(
        hub.logins.login({ name: 'admin', password: 'bad', clientIp: `10.0.0.${i}` }),
      );
      expect(err.code).toBe('UNAUTHORIZED');
    }
    const throttled = await failure(
      hub.logins.login({ name: 'admin', password: ADMIN_PASSWORD, clientIp: '10.0.0.99' }),
    );
    expect(throttled.code).toBe('THROTTLED');
    expect(throttled.details).toEqual({ retryAfterSeconds: 1 });
    clock.advance(1_000);
    const ok = await hub.logins.login({ name: 'admin', password: ADMIN_PASSWORD, clientIp: '10.0.0.99' });
    expect(ok.user.name).toBe('admin');
    // A success clears the name's count.
    const again = await failure(hub.logins.login({ name: 'admin', password: 'bad', clientIp: '10.0.0.98' }));
    expect(again.code).toBe('UNAUTHORIZED');
  });

  it('throttles an address guessing at unknown names just like at real ones', async () => {
    const { hub } = await usersHub();
    for (let i = 0; i < 5; i++) {
      await failure(hub.logins.login({ name: `ghost${i}`, password: 'bad', clientIp: '10.9.9.9' }));
    }
    const ghost = await failure(hub.logins.login({ name: 'ghost-x', password: 'bad', clientIp: '10.9.9.9' }));
    const real = await failure(
      hub.logins.login({ name: 'admin', password: ADMIN_PASSWORD, clientIp: '10.9.9.9' }),
    );
    expect([ghost.code, ghost.message]).toEqual([real.code, real.message]);
    expect(real.code).toBe('THROTTLED');
  });

  it('counts parallel guesses before checking them', async () => {
    const { hub } = await usersHub();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        failure(hub.logins.login({ name: 'admin', password: `guess-${i}`, clientIp: '10.7.7.7' })),
      ),
    );
    const codes = results.map((e) => e.code);
    expect(codes.filter((c) => c === 'UNAUTHORIZED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'THROTTLED')).toHaveLength(7);
  });

  it('checks a current password under the same limits', async () => {
    const { hub } = await usersHub();
    await hub.users.create({ name: 'dave', role: 'viewer', password: 'dave-password' }, ADMIN);
    await hub.logins.checkPassword('dave', 'dave-password', '10.5.5.5');
    for (let i = 0; i < 5; i++) await failure(hub.logins.checkPassword('dave', 'nope', '10.5.5.5'));
    expect((await failure(hub.logins.checkPassword('dave', 'dave-password', '10.5.5.6'))).code).toBe(
      'THROTTLED',
    );
  });
});
