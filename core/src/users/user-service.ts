import type { Actor } from '../contracts/change';
import { HubError } from '../errors';
import type { ChangeFeed } from '../feed/change-feed';
import type { StorePort } from '../ports/store';
import { hashPassword, verifyPassword } from './passwords';
import { parseRole, roleAtLeast } from './roles';
import { ensureFirstAdmin, type Role, USERS, type UserRecord } from './user-store';

/** An operator account as the API shows it: never the password hash. */
export interface UserView {
  name: string;
  role: Role;
  createdAt: string;
  createdBy: Actor;
  passwordChangedAt?: string;
}

/** Operator accounts: every mutation goes through the change feed, attributed to its actor. */
export interface UserService {
  list(): UserView[];
  get(name: string): UserView | undefined;
  /** Creates an account; a taken name is USER_ALREADY_EXISTS. */
  create(input: { name: unknown; role: unknown; password: unknown }, actor: Actor): Promise<UserView>;
  /** Changes a role; refuses to demote the last admin. */
  setRole(name: string, role: unknown, actor: Actor): Promise<UserView>;
  /** Sets a new password (an admin's reset, or a user's own change after `verify`). */
  setPassword(name: string, password: unknown, actor: Actor): Promise<void>;
  /** Deletes an account; refuses to delete the last admin. */
  remove(name: string, actor: Actor): Promise<void>;
  /** The account when `password` is its password; an unknown name costs the same time and fails. */
  verify(name: string, password: string): Promise<UserView | undefined>;
}

// Letters, digits and `._@-`: safe in URLs, logs and the change feed's `id`.
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const MIN_PASSWORD = 8;
// scrypt pre-hashes its input, but a megabyte password would still be parsed and held: cap it.
const MAX_PASSWORD = 1024;
// A well-formed hash nobody's password matches: verifying against it costs what a real check costs,
// so the answer time does not tell whether a user exists.
const DUMMY_HASH = `scrypt$32768$${'A'.repeat(22)}==$${'A'.repeat(43)}=`;

/** The user name in `value`, or an INVALID_ARGUMENT error. */
export function parseUserName(value: unknown): string {
  if (typeof value !== 'string' || !NAME_RE.test(value)) {
    throw new HubError(
      'INVALID_ARGUMENT',
      'name must be 1 to 64 letters, digits or ._@- characters, starting with a letter or digit.',
    );
  }
  return value;
}

/** The password in `value` when it meets the length rules, or an INVALID_ARGUMENT error. */
export function parseNewPassword(value: unknown): string {
  if (typeof value !== 'string' || value.length < MIN_PASSWORD || value.length > MAX_PASSWORD) {
    throw new HubError(
      'INVALID_ARGUMENT',
      `password must be a string of ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`,
    );
  }
  return value;
}

function view(rec: UserRecord): UserView {
  const { passwordHash: _hash, ...rest } = rec;
  return structuredClone(rest);
}

/** Loads the accounts (creating `admin` when `firstAdminPassword` is given and none exist). */
export async function createUserService(deps: {
  store: StorePort;
  feed: ChangeFeed;
  nowIso: () => string;
  initial: Iterable<unknown>;
  firstAdminPassword?: string;
}): Promise<UserService> {
  const { feed, nowIso } = deps;
  const users = new Map<string, UserRecord>();
  for (const doc of deps.initial) users.set((doc as UserRecord).name, doc as UserRecord);
  if (deps.firstAdminPassword !== undefined) {
    const created = await ensureFirstAdmin(deps.store, users, deps.firstAdminPassword, nowIso());
    if (created) users.set('admin', created);
  }

  const mustGet = (name: string): UserRecord => {
    const rec = users.get(name);
    if (!rec) throw new HubError('NOT_FOUND', `No user named ${name}.`);
    return rec;
  };
  const admins = () => [...users.values()].filter((u) => u.role === 'admin').length;
  const write = (rec: UserRecord | null, name: string) => [{ collection: USERS, id: name, doc: rec }];

  return {
    list: () => [...users.values()].sort((a, b) => a.name.localeCompare(b.name)).map(view),
    get: (name) => {
      const rec = users.get(name);
      return rec ? view(rec) : undefined;
    },
    async create(input, actor) {
      const name = parseUserName(input.name);
      const role = parseRole(input.role);
      const password = parseNewPassword(input.password);
      if (users.has(name)) throw new HubError('USER_ALREADY_EXISTS', `A user named ${name} exists already.`);
      const passwordHash = await hashPassword(password);
      // Checked again: another create of the same name may have finished while this one hashed.
      if (users.has(name)) throw new HubError('USER_ALREADY_EXISTS', `A user named ${name} exists already.`);
      const rec: UserRecord = { name, role, passwordHash, createdAt: nowIso(), createdBy: actor };
      users.set(name, rec);
      await feed.append({
        kind: 'userCreated',
        actor,
        id: name,
        patch: { name, role },
        writes: write(rec, name),
      });
      return view(rec);
    },
    async setRole(name, value, actor) {
      const role = parseRole(value);
      const old = mustGet(name);
      if (old.role === role) return view(old);
      if (old.role === 'admin' && !roleAtLeast(role, 'admin') && admins() === 1) {
        throw new HubError('LAST_ADMIN', `${name} is the last admin, make another user admin first.`);
      }
      const rec = { ...old, role };
      users.set(name, rec);
      await feed.append({
        kind: 'userRoleChanged',
        actor,
        id: name,
        patch: { role, previousRole: old.role },
        writes: write(rec, name),
      });
      return view(rec);
    },
    async setPassword(name, value, actor) {
      const password = parseNewPassword(value);
      mustGet(name);
      const passwordHash = await hashPassword(password);
      const rec = { ...mustGet(name), passwordHash, passwordChangedAt: nowIso() };
      users.set(name, rec);
      // The feed records that it happened, never the password or its hash.
      await feed.append({
        kind: 'userPasswordChanged',
        actor,
        id: name,
        patch: { passwordChanged: true },
        writes: write(rec, name),
      });
    },
    async remove(name, actor) {
      const old = mustGet(name);
      if (old.role === 'admin' && admins() === 1) {
        throw new HubError('LAST_ADMIN', `${name} is the last admin and cannot be deleted.`);
      }
      users.delete(name);
      await feed.append({ kind: 'userDeleted', actor, id: name, patch: { name }, writes: write(null, name) });
    },
    async verify(name, password) {
      const rec = users.get(name);
      // An over-long password fails, but only after the same work as any other attempt.
      const tooLong = password.length > MAX_PASSWORD;
      const candidate = tooLong ? '' : password;
      const ok = await verifyPassword(candidate, tooLong || !rec ? DUMMY_HASH : rec.passwordHash);
      // Looked up again: the account may have been deleted while scrypt ran.
      const now = users.get(name);
      return ok && !tooLong && rec && now ? view(now) : undefined;
    },
  };
}
