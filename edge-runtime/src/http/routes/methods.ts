import type { Hub } from '@outpost/core';
import { Router } from 'express';
import { type AuthOptions, requireRight } from '../auth';
import { handle, jsonBody } from '../request-guards';

/**
 * Direct-method invocation of the IoT Hub service API: `POST /twins/{id}/methods` (and the module
 * form) answers `{status, payload}`; an offline device is 404 DeviceNotOnline at once, a silent one
 * 504 GatewayTimeout (device-protocol.md §2.7).
 */
export function methodsRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();
  const connect = requireRight(auth, 'ServiceConnect');

  router.post(
    '/twins/:id/methods',
    connect,
    jsonBody(),
    handle(async (req, res) => {
      res.json(await hub.methods.invoke(req.params.id as string, undefined, req.body));
    }),
  );

  router.post(
    '/twins/:id/modules/:moduleId/methods',
    connect,
    jsonBody(),
    handle(async (req, res) => {
      res.json(await hub.methods.invoke(req.params.id as string, req.params.moduleId as string, req.body));
    }),
  );

  return router;
}
