import { type Hub, HubError } from '@outpost/core';
import { Router } from 'express';
import { type AuthOptions, callerOf } from '../auth';
import { handle, jsonBody } from '../request-guards';
import { requireRole } from '../require-role';

/** A body that may be absent; anything but a JSON object is refused. */
function optionalObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new HubError('INVALID_FORMAT', 'The body must be a JSON object.');
  return body as Record<string, unknown>;
}

/**
 * Retiring devices: `POST /api/v1/devices/{id}/disable` `{reason?}`, `/enable`, `/rotate-keys`,
 * `/revoke`, `/replace` `{newDeviceId}` (the old device is disabled and kept), `DELETE
 * /api/v1/devices/{id}?archive=true|false` (archive by default; a hard delete needs admin),
 * `GET /api/v1/archive/devices[/{id}]`, and `GET /api/v1/devices/{id}/connection-string?gateway=`
 * (operator: it reveals the key). Every mutation is an audited registry change with the caller as actor.
 */
export function fleetLifecycleRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();
  const read = requireRole(auth, 'viewer', { sasRight: 'RegistryRead' });
  const operator = requireRole(auth, 'operator', { sasRight: 'RegistryWrite' });
  const { lifecycle, archive } = hub.fleet;

  router.post(
    '/api/v1/devices/:id/disable',
    operator,
    jsonBody(),
    handle(async (req, res) => {
      const body = optionalObject(req.body);
      res.json(await lifecycle.disable(req.params.id as string, body.reason, callerOf(res).actor));
    }),
  );

  const simple = {
    enable: lifecycle.enable,
    'rotate-keys': lifecycle.rotateKeys,
    revoke: lifecycle.revoke,
  } as const;
  for (const [name, step] of Object.entries(simple)) {
    router.post(
      `/api/v1/devices/:id/${name}`,
      operator,
      handle(async (req, res) => {
        res.json(await step(req.params.id as string, callerOf(res).actor));
      }),
    );
  }

  router.post(
    '/api/v1/devices/:id/replace',
    operator,
    jsonBody(),
    handle(async (req, res) => {
      const body = optionalObject(req.body);
      res
        .status(201)
        .json(await lifecycle.replace(req.params.id as string, body.newDeviceId, callerOf(res).actor));
    }),
  );

  router.delete(
    '/api/v1/devices/:id',
    (req, res, next) => {
      const hard = req.query.archive === 'false';
      requireRole(auth, hard ? 'admin' : 'operator', { sasRight: 'RegistryWrite' })(req, res, next);
    },
    handle(async (req, res) => {
      const id = req.params.id as string;
      const flag = req.query.archive;
      if (flag !== undefined && flag !== 'true' && flag !== 'false') {
        throw new HubError('INVALID_ARGUMENT', 'archive must be true or false.');
      }
      if (flag === 'false') {
        await hub.registry.delete(id, undefined, callerOf(res).actor);
        res.status(204).end();
        return;
      }
      res.json(await archive.archive(id, callerOf(res).actor));
    }),
  );

  router.get(
    '/api/v1/archive/devices',
    read,
    handle((_req, res) => {
      res.json(archive.list());
    }),
  );

  router.get(
    '/api/v1/archive/devices/:id',
    read,
    handle((req, res) => {
      const id = req.params.id as string;
      const entry = archive.get(id);
      if (!entry) throw new HubError('NOT_FOUND', `No archived device ${id}.`);
      res.json(entry);
    }),
  );

  router.get(
    '/api/v1/devices/:id/connection-string',
    requireRole(auth, 'operator', { sasRight: 'RegistryWrite' }),
    handle((req, res) => {
      const connectionString = lifecycle.connectionString(
        req.params.id as string,
        auth.hostNames[0] ?? 'localhost',
        req.query.gateway,
      );
      res.set('cache-control', 'no-store').json({ connectionString });
    }),
  );

  return router;
}
