import type { ChangeFeed } from '../feed/change-feed';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { StorePort, StoreSnapshot } from '../ports/store';
import { createLoginLimiter, type LoginLimiter } from './login-limiter';
import { createLoginService, type LoginService } from './login-service';
import { createOneTimeTokenStore } from './one-time-token';
import { createSessionStore, SESSIONS, type SessionStore } from './session-store';
import { createUserService, type UserService } from './user-service';
import { USERS } from './user-store';

/** Operator accounts, their bearer sessions and the rate-limited login. */
export interface OperatorAccounts {
  users: UserService;
  sessions: SessionStore;
  logins: LoginService;
  limiter: LoginLimiter;
}

/** Builds the operator accounts of a hub from its loaded snapshot. */
export async function createOperatorAccounts(deps: {
  store: StorePort;
  snapshot: StoreSnapshot;
  feed: ChangeFeed;
  clock: Clock;
  logger: Logger;
  nowIso: () => string;
  /** Creates `admin` with this password when the hub has no users yet. */
  firstAdminPassword?: string;
  sessionTtlMs?: number;
}): Promise<OperatorAccounts> {
  const { store, snapshot, feed, clock, logger } = deps;
  const users = await createUserService({
    store,
    feed,
    nowIso: deps.nowIso,
    initial: snapshot.collections.get(USERS)?.values() ?? [],
    ...(deps.firstAdminPassword !== undefined ? { firstAdminPassword: deps.firstAdminPassword } : {}),
  });
  const sessions = createSessionStore({
    store,
    clock,
    users,
    logger,
    initial: snapshot.collections.get(SESSIONS)?.entries() ?? [],
    ...(deps.sessionTtlMs !== undefined ? { ttlMs: deps.sessionTtlMs } : {}),
  });
  // A new password or a deleted account ends every session of the account, whoever made the change.
  feed.onCommitted((change) => {
    if (change.kind !== 'userPasswordChanged' && change.kind !== 'userDeleted') return;
    sessions.revokeUser(change.id).catch(() => {
      // Logged by the session store; the tokens are already invalid in memory.
    });
  });
  const limiter = createLoginLimiter({ clock });
  const oneTimeTokens = createOneTimeTokenStore({ clock });
  return {
    users,
    sessions,
    limiter,
    logins: createLoginService({ users, sessions, limiter, oneTimeTokens, logger }),
  };
}
