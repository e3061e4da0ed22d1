import { type Actor, createHub, createMemoryStore, type Hub, type StorePort } from '@outpost/core';
import { createFakeClock, type FakeClock } from '../../helpers/fake-clock';

/** The first admin's password in these tests. */
export const ADMIN_PASSWORD = 'first-admin-password';

/** The admin as an actor. */
export const ADMIN: Actor = { type: 'user', id: 'admin' };

/** A hub over a memory store with a fake clock; pass `store` to reopen the same data. */
export async function usersHub(
  store: StorePort = createMemoryStore(),
  clock: FakeClock = createFakeClock(Date.parse('2026-01-01T00:00:00Z')),
): Promise<{ hub: Hub; store: StorePort; clock: FakeClock }> {
  const hub = await createHub({ store, clock, adminPassword: ADMIN_PASSWORD });
  return { hub, store, clock };
}
