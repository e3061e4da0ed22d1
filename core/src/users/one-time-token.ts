import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../ports/clock';

/** A one-time login token as handed to the caller that asked for it: shown once, never stored. */
export interface OneTimeToken {
  token: string;
  /** ISO-8601 UTC; the token is refused from then on. */
  expiresAt: string;
}

/**
 * Single-use login tokens with a short life, for signing an operator in without a password (the
 * desktop app's embedded hub hands one to its own window). Held in memory only: a restart voids
 * them, which costs nothing at a 60 s lifetime, and keeps them out of the store, the change feed
 * and backups. Keyed by their SHA-256 like sessions, so lookups leak nothing through timing.
 */
export interface OneTimeTokenStore {
  /** Issues a token that signs `userName` in once, within the store's lifetime setting. */
  issue(userName: string): OneTimeToken;
  /** The user name of a valid token, which is used up by this call; undefined otherwise. */
  consume(token: string): string | undefined;
  /** Tokens held (expired ones included until the next issue sweeps them). */
  size(): number;
}

/** The default lifetime of a one-time token: long enough to hand it over, too short to leak usefully. */
export const ONE_TIME_TOKEN_TTL_MS = 60_000;

// Tokens nobody redeems must not pile up (a window reloading in a loop); the oldest go first.
const MAX_TOKENS = 100;
// Told apart from session tokens (`opt_`) in logs and by secret scanners.
const TOKEN_PREFIX = 'ott_';

interface Pending {
  user: string;
  expiresAt: number;
}

/** Creates an in-memory store of one-time tokens over a clock (a fake one in tests). */
export function createOneTimeTokenStore(deps: {
  clock: Clock;
  ttlMs?: number;
  maxTokens?: number;
}): OneTimeTokenStore {
  const ttl = deps.ttlMs ?? ONE_TIME_TOKEN_TTL_MS;
  const max = deps.maxTokens ?? MAX_TOKENS;
  // A Map iterates in insertion order, so the first entries are the oldest.
  const pending = new Map<string, Pending>();
  const keyOf = (token: string) => createHash('sha256').update(token).digest('hex');

  return {
    issue(userName) {
      const now = deps.clock.now();
      for (const [key, p] of pending) if (p.expiresAt <= now) pending.delete(key);
      while (pending.size >= max) {
        const oldest = pending.keys().next().value;
        if (oldest === undefined) break;
        pending.delete(oldest);
      }
      const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const expiresAt = now + ttl;
      pending.set(keyOf(token), { user: userName, expiresAt });
      return { token, expiresAt: new Date(expiresAt).toISOString() };
    },
    consume(token) {
      if (!token.startsWith(TOKEN_PREFIX)) return undefined;
      const key = keyOf(token);
      const p = pending.get(key);
      if (!p) return undefined;
      // Used up even when expired: the second attempt must fail like the first.
      pending.delete(key);
      return p.expiresAt > deps.clock.now() ? p.user : undefined;
    },
    size: () => pending.size,
  };
}
