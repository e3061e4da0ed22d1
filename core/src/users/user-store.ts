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
  /** When the password was last set after creation (ISO-8601 UTC). */
  passwordChangedAt?: string;
}

/** Collection of operator accounts. */
export const USERS = 'users';

/** Creates the first operator, `admin`, when the hub has no users yet; returns it, if it did. */
export async function ensureFirstAdmin(
  store: StorePort,
  existing: ReadonlyMap<string, unknown> | undefined,
  password: string,
  nowIso: string,
): Promise<UserRecord | undefined> {
  if (existing?.size) return undefined;
  const admin: UserRecord = {
    name: 'admin',
    role: 'admin',
    passwordHash: await hashPassword(password),
    createdAt: nowIso,
    createdBy: { type: 'system', id: 'first-start' },
  };
  await store.commit({ writes: [{ collection: USERS, id: admin.name, doc: admin }] });
  return admin;
}
