import { HubError } from '../errors';
import { type Logger, silentLogger } from '../ports/logger';
import type { LoginLimiter } from './login-limiter';
import type { OneTimeToken, OneTimeTokenStore } from './one-time-token';
import type { IssuedSession, SessionStore } from './session-store';
import type { UserService } from './user-service';

/** What a login presents: a user name and password, or a one-time token issued for a user. */
export type LoginInput =
  | { name: unknown; password: unknown; clientIp: string }
  | { oneTimeToken: unknown; clientIp: string };

/** Password checks of operators, rate limited per user name and per client address. */
export interface LoginService {
  /**
   * Checks the password (or uses up the one-time token) and issues a session token; UNAUTHORIZED
   * or THROTTLED otherwise.
   */
  login(input: LoginInput): Promise<IssuedSession>;
  /**
   * Issues a single-use token that `login({ oneTimeToken })` exchanges for a session of `userName`
   * within 60 s (the desktop app signs its own window in to its embedded hub with one). NOT_FOUND
   * when there is no such user.
   */
  issueOneTimeToken(userName: string): OneTimeToken;
  /** Checks a user's current password (before they change it), under the same limits as a login. */
  checkPassword(name: string, password: unknown, clientIp: string): Promise<void>;
  /** Revokes a token; false when it was not valid. */
  logout(token: string): Promise<boolean>;
}

// One message for an unknown user and a wrong password: the answer must not tell which.
const WRONG = 'The user name or password is wrong.';
const WRONG_TOKEN = 'The one-time token is unknown, used or expired.';
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
  oneTimeTokens: OneTimeTokenStore;
  logger?: Logger;
}): LoginService {
  const { users, sessions, limiter, oneTimeTokens } = deps;
  const logger = deps.logger ?? silentLogger;

  const throttleCheck = (keys: readonly string[]) => {
    const waitMs = limiter.retryAfterMs(keys);
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new HubError('THROTTLED', `Too many failed logins, retry in ${seconds} s.`, {
        retryAfterSeconds: seconds,
      });
    }
  };

  const check = async (nameValue: unknown, passwordValue: unknown, clientIp: string) => {
    if (typeof nameValue !== 'string' || typeof passwordValue !== 'string') {
      throw new HubError('INVALID_ARGUMENT', 'The body must be {"username": "…", "password": "…"}.');
    }
    const keys = loginKeys(nameValue, clientIp);
    // The password is not even checked while throttled: a right guess must look like a wrong one.
    throttleCheck(keys);
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

  // Tokens are 256 random bits, so guessing is hopeless; a client spraying tokens is still slowed
  // down, under a count of its own: on the embedded hub every local process is 127.0.0.1, and
  // failed password guesses there must not lock the desktop window out of its token, nor may a
  // redeemed token forgive the address's password failures.
  const redeem = (tokenValue: unknown, clientIp: string) => {
    if (typeof tokenValue !== 'string') {
      throw new HubError('INVALID_ARGUMENT', 'The body must be {"oneTimeToken": "…"}.');
    }
    const keys = [`ott-ip:${clientIp.slice(0, 128)}`];
    throttleCheck(keys);
    limiter.fail(keys);
    const name = oneTimeTokens.consume(tokenValue);
    const user = name === undefined ? undefined : users.get(name);
    if (!user) throw new HubError('UNAUTHORIZED', WRONG_TOKEN);
    limiter.forgive(keys);
    logger.info('operator signed in with a one-time token', { user: user.name });
    return user;
  };

  return {
    async login(input) {
      if ('oneTimeToken' in input) return sessions.issue(redeem(input.oneTimeToken, input.clientIp));
      return sessions.issue(await check(input.name, input.password, input.clientIp));
    },
    issueOneTimeToken(userName) {
      if (!users.get(userName)) throw new HubError('NOT_FOUND', `No user named ${userName}.`);
      const issued = oneTimeTokens.issue(userName);
      logger.info('one-time login token issued', { user: userName, expiresAt: issued.expiresAt });
      return issued;
    },
    async checkPassword(name, password, clientIp) {
      await check(name, password, clientIp);
    },
    logout: (token) => sessions.revoke(token),
  };
}
