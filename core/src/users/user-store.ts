import type { Actor } from '../contracts/change';
import type { StorePort } from '../ports/store';
import { hashPassword } from './passwords';

/** Operator roles; what each may do is enforced by the API (fleet-operations issue). */
export type Role = 'admin' | 'operator' | 'viewer';

/** An operator account as stored; the password only as a scrypt hash. */
export interface UserRecord {
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: string;
  createdBy: Actor;
}

/** Collection of operator accounts. */
export const USERS = 'users';

/** Creates the first operator, `admin`, when the hub has no users yet; returns whether it did. */
export async function ensureFirstAdmin(
  store: StorePort,
  existing: ReadonlyMap<string, unknown> | undefined,
  password: string,
  nowIso: string,
): Promise<boolean> {
  if (existing?.size) return false;
  const admin: UserRecord = {
    name: 'admin',
    role: 'admin',
    passwordHash: await hashPassword(password),
    createdAt: nowIso,
    createdBy: { type: 'system', id: 'first-start' },
  };
  await store.commit({ writes: [{ collection: USERS, id: admin.name, doc: admin }] });
  return true;
}
