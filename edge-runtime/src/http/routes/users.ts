import { type Hub, HubError, isHubError, parseNewPassword } from '@outpost/core';
import { type Response, Router } from 'express';
import { type AuthOptions, callerOf } from '../auth';
import { handle, jsonBody, objectBody } from '../request-guards';
import { requireRole } from '../require-role';
import { clientAddress } from './login';

function mustExist(hub: Hub, name: string) {
  const user = hub.users.get(name);
  if (!user) throw new HubError('NOT_FOUND', `No user named ${name}.`);
  return user;
}

function isAdmin(res: Response): boolean {
  return callerOf(res).user?.role === 'admin';
}

/**
 * `/api/v1/users`: operator accounts. Admins manage every account; any user reads their own and
 * changes their own password with the current one. Only operator tokens are accepted, never SAS.
 */
export function usersRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();
  const admin = requireRole(auth, 'admin');
  const signedIn = requireRole(auth, 'viewer');

  router.get(
    '/api/v1/users',
    admin,
    handle((_req, res) => {
      res.json(hub.users.list());
    }),
  );

  router.post(
    '/api/v1/users',
    admin,
    jsonBody(),
    handle(async (req, res) => {
      const body = objectBody(req.body);
      const user = await hub.users.create(
        { name: body.name, role: body.role, password: body.password },
        callerOf(res).actor,
      );
      res.status(201).json(user);
    }),
  );

  router.get(
    '/api/v1/users/:name',
    signedIn,
    handle((req, res) => {
      const name = req.params.name as string;
      if (!isAdmin(res) && callerOf(res).user?.name !== name) {
        throw new HubError('FORBIDDEN', 'Only admins read other users.');
      }
      res.json(mustExist(hub, name));
    }),
  );

  router.patch(
    '/api/v1/users/:name',
    admin,
    jsonBody(),
    handle(async (req, res) => {
      const body = objectBody(req.body);
      res.json(await hub.users.setRole(req.params.name as string, body.role, callerOf(res).actor));
    }),
  );

  // Own password: {currentPassword, password} → a fresh token (the change ends every session,
  // this one included). Someone else's (admins only): {password} → 204, no current one needed.
  router.put(
    '/api/v1/users/:name/password',
    signedIn,
    jsonBody(),
    handle(async (req, res) => {
      const name = req.params.name as string;
      const body = objectBody(req.body);
      const caller = callerOf(res);
      if (caller.user?.name === name) {
        const password = parseNewPassword(body.password);
        if (typeof body.currentPassword !== 'string') {
          throw new HubError('INVALID_ARGUMENT', 'Send currentPassword to change your own password.');
        }
        await hub.logins.checkPassword(name, body.currentPassword, clientAddress(req)).catch((err) => {
          // 403, not 401: the token is fine, and a client must not take this for a lost session.
          throw isHubError(err, 'UNAUTHORIZED')
            ? new HubError('FORBIDDEN', 'The current password is wrong.')
            : err;
        });
        await hub.users.setPassword(name, password, caller.actor);
        res.set('cache-control', 'no-store').json(await hub.sessions.issue(mustExist(hub, name)));
        return;
      }
      if (!isAdmin(res)) throw new HubError('FORBIDDEN', 'Only admins set the passwords of other users.');
      mustExist(hub, name);
      await hub.users.setPassword(name, body.password, caller.actor);
      res.status(204).end();
    }),
  );

  router.delete(
    '/api/v1/users/:name',
    admin,
    handle(async (req, res) => {
      await hub.users.remove(req.params.name as string, callerOf(res).actor);
      res.status(204).end();
    }),
  );

  return router;
}
