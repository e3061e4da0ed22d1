import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { RecordWrite, StorePort } from '../ports/store';
import type { UserService, UserView } from './user-service';

/** A login session as stored: keyed by the SHA-256 of its token, never the token itself. */
export interface SessionRecord {
  user: string;
  issuedAt: string;
  expiresAt: string;
}

/** A new session: the bearer token is shown once, to the caller that logged in. */
export interface IssuedSession {
  token: string;
  expiresAt: string;
  user: { name: string; role: UserView['role'] };
}

/** The account behind a valid token, with the account's current role. */
export interface AuthenticatedSession {
  user: UserView;
  expiresAt: string;
}

/**
 * Operator bearer tokens. They are random (32 bytes), not signed: a hub must be able to revoke
 * one (logout, password change, account deletion) and keeps a table of them anyway, so signing
 * would add a key to guard and rotate for nothing. The table survives restarts (collection
 * `sessions`); it is written to the store only, never to the change feed, so tokens never reach
 * the audit trail, the event stream or a parent hub.
 */
export interface SessionStore {
  /** Issues a token for `user`, valid for the store's lifetime setting. */
  issue(user: UserView): Promise<IssuedSession>;
  /** The session of a token, or undefined when it is unknown, expired, or its account is gone. */
  authenticate(token: string): AuthenticatedSession | undefined;
  /** Revokes one token; false when it was not valid. */
  revoke(token: string): Promise<boolean>;
  /** Revokes every token of a user. */
  revokeUser(name: string): Promise<void>;
  /** Number of sessions held (expired ones included until swept). */
  size(): number;
}

/** Collection of login sessions. */
export const SESSIONS = 'sessions';

/** The default lifetime of an operator token: one working shift. */
export const DEFAULT_SESSION_TTL_MS = 12 * 3600_000;

// A script logging in in a loop must not grow the table without bound; the oldest go first.
const MAX_SESSIONS_PER_USER = 50;
// A recognisable prefix lets secret scanners and log filters find leaked tokens.
const TOKEN_PREFIX = 'opt_';

/** The table key of a token. Hashed so a copy of the store holds no usable token, and lookups leak no token prefix through timing. */
export function sessionKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates the session table over the store; `initial` is the stored `sessions` collection. */
export function createSessionStore(deps: {
  store: StorePort;
  clock: Clock;
  users: Pick<UserService, 'get'>;
  logger: Logger;
  initial: Iterable<[string, unknown]>;
  ttlMs?: number;
}): SessionStore {
  const { store, clock, users, logger } = deps;
  const ttl = deps.ttlMs ?? DEFAULT_SESSION_TTL_MS;
  const sessions = new Map<string, SessionRecord>();
  for (const [key, doc] of deps.initial) sessions.set(key, doc as SessionRecord);

  const expired = (s: SessionRecord, now: number) => Date.parse(s.expiresAt) <= now;
  const drop = (keys: string[]): RecordWrite[] => {
    for (const key of keys) sessions.delete(key);
    return keys.map((id) => ({ collection: SESSIONS, id, doc: null }));
  };

  return {
    async issue(user) {
      const now = clock.now();
      const stale = [...sessions].filter(([, s]) => expired(s, now)).map(([k]) => k);
      const mine = [...sessions].filter(([, s]) => s.user === user.name && !expired(s, now));
      const surplus = mine.slice(0, Math.max(0, mine.length - MAX_SESSIONS_PER_USER + 1)).map(([k]) => k);
      const writes = drop([...stale, ...surplus]);
      const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const key = sessionKey(token);
      const rec: SessionRecord = {
        user: user.name,
        issuedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + ttl).toISOString(),
      };
      sessions.set(key, rec);
      // Awaited: a token handed out must still work after a restart.
      await store.commit({ writes: [...writes, { collection: SESSIONS, id: key, doc: rec }] });
      return { token, expiresAt: rec.expiresAt, user: { name: user.name, role: user.role } };
    },
    authenticate(token) {
      if (!token.startsWith(TOKEN_PREFIX)) return undefined;
      const rec = sessions.get(sessionKey(token));
      if (!rec || expired(rec, clock.now())) return undefined;
      // The role is read from the account on every request: a role change applies at once.
      const user = users.get(rec.user);
      return user ? { user, expiresAt: rec.expiresAt } : undefined;
    },
    async revoke(token) {
      const key = sessionKey(token);
      const rec = sessions.get(key);
      if (!rec) return false;
      await store.commit({ writes: drop([key]) });
      return !expired(rec, clock.now());
    },
    async revokeUser(name) {
      const keys = [...sessions].filter(([, s]) => s.user === name).map(([k]) => k);
      if (keys.length === 0) return;
      await store.commit({ writes: drop(keys) }).catch((err: unknown) => {
        // In memory they are gone already; only a restart could bring them back.
        logger.error('revoking sessions failed', { user: name, error: String(err) });
        throw err;
      });
    },
    size: () => sessions.size,
  };
}
