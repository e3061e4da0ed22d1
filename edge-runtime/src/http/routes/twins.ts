import { type Hub, HubError, parseIfMatch } from '@outpost/core';
import { Router } from 'express';
import { type AuthOptions, callerOf, requireRight } from '../auth';
import { handle, jsonBody, objectBody } from '../request-guards';

/** Twin routes of the IoT Hub service API (service-api.md §2.2). */
export function twinsRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();
  const connect = requireRight(auth, 'ServiceConnect');

  router.get(
    '/twins/:id',
    connect,
    handle((req, res) => {
      const twin = hub.twins.get(req.params.id as string);
      res.set('etag', `"${twin.etag}"`).json(twin);
    }),
  );

  router.patch(
    '/twins/:id',
    connect,
    jsonBody(),
    handle(async (req, res) => {
      const twin = await hub.twins.patch(
        req.params.id as string,
        objectBody(req.body),
        requireIfMatch(req.get('if-match')),
        callerOf(res).actor,
      );
      res.set('etag', `"${twin.etag}"`).json(twin);
    }),
  );

  router.put(
    '/twins/:id',
    connect,
    jsonBody(),
    handle(async (req, res) => {
      const twin = await hub.twins.replace(
        req.params.id as string,
        objectBody(req.body),
        requireIfMatch(req.get('if-match')),
        callerOf(res).actor,
      );
      res.set('etag', `"${twin.etag}"`).json(twin);
    }),
  );

  return router;
}

/**
 * [LOCAL] A twin write without If-Match is treated as `*`: the Node SDK always sends one, and
 * other clients (curl, scripts) expect last-writer-wins when they send none.
 */
function requireIfMatch(header: string | undefined): string {
  const value = parseIfMatch(header);
  if (value === '') throw new HubError('INVALID_ARGUMENT', 'If-Match is empty; send "*" or the twin etag.');
  return value ?? '*';
}
