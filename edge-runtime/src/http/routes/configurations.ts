import { type Hub, HubError, parseIfMatch } from '@outpost/core';
import { Router } from 'express';
import { type AuthOptions, callerOf, requireRight } from '../auth';
import { handle, jsonBody, objectBody } from '../request-guards';

/** The configuration routes of the IoT Hub service API (service-api.md §2.7, §1.6). */
export function configurationsRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();
  const read = requireRight(auth, 'RegistryRead');
  const write = requireRight(auth, 'RegistryWrite');

  router.get(
    '/configurations',
    read,
    handle((req, res) => {
      const raw = req.query.top;
      const top = raw === undefined ? undefined : Number(raw);
      if (top !== undefined && (!Number.isInteger(top) || top < 1)) {
        throw new HubError('INVALID_ARGUMENT', `top must be a positive whole number, not ${String(raw)}.`);
      }
      res.json(hub.configurations.list(top));
    }),
  );

  router.get(
    '/configurations/:id',
    read,
    handle((req, res) => {
      const doc = hub.configurations.get(req.params.id as string);
      res.set('etag', `"${doc.etag}"`).json(doc);
    }),
  );

  router.put(
    '/configurations/:id',
    write,
    jsonBody(),
    handle(async (req, res) => {
      const id = req.params.id as string;
      const body = objectBody(req.body);
      const ifMatch = parseIfMatch(req.get('if-match'));
      const actor = callerOf(res).actor;
      // The SDK's addConfiguration sends no If-Match; updateConfiguration always sends one (§1.5).
      const doc =
        ifMatch === undefined
          ? await hub.configurations.create(id, body, actor)
          : await hub.configurations.update(id, body, ifMatch, actor);
      res.set('etag', `"${doc.etag}"`).json(doc);
    }),
  );

  router.delete(
    '/configurations/:id',
    write,
    handle(async (req, res) => {
      await hub.configurations.delete(
        req.params.id as string,
        parseIfMatch(req.get('if-match')),
        callerOf(res).actor,
      );
      res.status(204).end();
    }),
  );

  return router;
}
