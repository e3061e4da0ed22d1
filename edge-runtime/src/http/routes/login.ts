import type { Hub } from '@outpost/core';
import { type Request, type Response, Router } from 'express';
import { type AuthOptions, callerOf } from '../auth';
import { bearerToken } from '../bearer-auth';
import { handle, jsonBody, objectBody } from '../request-guards';
import { requireRole } from '../require-role';

/**
 * The address a login is rate limited by: the socket's peer. X-Forwarded-For is ignored on
 * purpose: any client could rotate it to escape the per-address limit.
 */
export function clientAddress(req: Request): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** Tokens must not linger in caches or proxies. */
function noStore(res: Response): Response {
  return res.set('cache-control', 'no-store');
}

/**
 * `POST /api/v1/login` (a password or a one-time token), `POST /api/v1/logout`,
 * `GET /api/v1/session`: operator sessions.
 */
export function loginRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();

  router.post(
    '/api/v1/login',
    jsonBody(),
    handle(async (req, res) => {
      const body = objectBody(req.body);
      const clientIp = clientAddress(req);
      // `{"oneTimeToken": "…"}` is the other body: a single-use token the hub issued (desktop app).
      const session = await hub.logins.login(
        body.oneTimeToken !== undefined
          ? { oneTimeToken: body.oneTimeToken, clientIp }
          : { name: body.username, password: body.password, clientIp },
      );
      noStore(res).json(session);
    }),
  );

  router.post(
    '/api/v1/logout',
    requireRole(auth, 'viewer'),
    handle(async (req, res) => {
      await hub.logins.logout(bearerToken(req.get('authorization')) ?? '');
      res.status(204).end();
    }),
  );

  router.get(
    '/api/v1/session',
    requireRole(auth, 'viewer'),
    handle((_req, res) => {
      const { user, expiresAt } = callerOf(res);
      noStore(res).json({ user, expiresAt });
    }),
  );

  return router;
}
