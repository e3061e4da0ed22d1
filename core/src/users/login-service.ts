import { HubError } from '../errors';
import type { LoginLimiter } from './login-limiter';
import type { IssuedSession, SessionStore } from './session-store';
import type { UserService } from './user-service';

/** Password checks of operators, rate limited per user name and per client address. */
export interface LoginService {
  /** Checks the password and issues a token; UNAUTHORIZED or THROTTLED otherwise. */
  login(input: { name: unknown; password: unknown; clientIp: string }): Promise<IssuedSession>;
  /** Checks a user's current password (before they change it), under the same limits as a login. */
  checkPassword(name: string, password: unknown, clientIp: string): Promise<void>;
  /** Revokes a token; false when it was not valid. */
  logout(token: string): Promise<boolean>;
}

// One message for an unknown user and a wrong password: the answer must not tell which.
const WRONG = 'The user name or password is wrong.';
// Keys are bounded so a flood of huge made-up names cannot bloat the limiter.
const KEY_CHARS = 128;

/** The limiter keys of an attempt: the name as typed and the client address. */
export function loginKeys(name: string, clientIp: string): [string, string] {
  return [`user:${name.slice(0, KEY_CHARS)}`, `ip:${clientIp.slice(0, KEY_CHARS)}`];
}

/** Creates the login service over accounts, sessions and a limiter. */
export function createLoginService(deps: {
  users: UserService;
  sessions: SessionStore;
  limiter: LoginLimiter;
}): LoginService {
  const { users, sessions, limiter } = deps;

  const check = async (nameValue: unknown, passwordValue: unknown, clientIp: string) => {
    if (typeof nameValue !== 'string' || typeof passwordValue !== 'string') {
      throw new HubError('INVALID_ARGUMENT', 'The body must be {"username": "…", "password": "…"}.');
    }
    const keys = loginKeys(nameValue, clientIp);
    const waitMs = limiter.retryAfterMs(keys);
    if (waitMs > 0) {
      // The password is not even checked while throttled: a right guess must look like a wrong one.
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new HubError('THROTTLED', `Too many failed logins, retry in ${seconds} s.`, {
        retryAfterSeconds: seconds,
      });
    }
    // Counted before the (slow) check, so parallel guesses cannot all slip past the limit.
    limiter.fail(keys);
    const user = await users.verify(nameValue, passwordValue);
    if (!user) throw new HubError('UNAUTHORIZED', WRONG);
    // The address only takes back this attempt: a valid account must not wipe the count of an
    // address that is guessing at other accounts.
    limiter.reset([keys[0]]);
    limiter.forgive([keys[1]]);
    return user;
  };

  return {
    async login({ name, password, clientIp }) {
      return sessions.issue(await check(name, password, clientIp));
    },
    async checkPassword(name, password, clientIp) {
      await check(name, password, clientIp);
    },
    logout: (token) => sessions.revoke(token),
  };
}
