import { type Hub, type OperationName, parseSilentMinutes } from '@outpost/core';
import { Router } from 'express';
import { type AuthOptions, callerOf } from '../auth';
import { handle, jsonBody } from '../request-guards';
import { requireRole } from '../require-role';

const NAMES: readonly OperationName[] = ['reboot', 'factory-reset'];

/**
 * Configure and monitor: `POST /api/v1/devices/{id}/reboot|factory-reset` `{payload?,
 * responseTimeoutInSeconds?}` calls the direct method and answers the recorded operation;
 * `POST /api/v1/operations/reboot|factory-reset` `{query, payload?}` starts a scheduleDeviceMethod
 * job (202 `{jobId}`); `GET /api/v1/devices/{id}/operations` joins the last operation with the
 * device's reported `rebootStatus`/`factoryResetStatus`; `GET /api/v1/fleet/summary?silentMinutes=`.
 */
export function fleetOperationsRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();
  const read = requireRole(auth, 'viewer', { sasRight: 'RegistryRead' });
  const operator = requireRole(auth, 'operator', { sasRight: 'ServiceConnect' });
  const { operations } = hub.fleet;

  for (const name of NAMES) {
    router.post(
      `/api/v1/devices/:id/${name}`,
      operator,
      jsonBody(),
      handle(async (req, res) => {
        res.json(await operations.invoke(req.params.id as string, name, req.body, callerOf(res).actor));
      }),
    );
    router.post(
      `/api/v1/operations/${name}`,
      operator,
      jsonBody(),
      handle(async (req, res) => {
        const { jobId } = await operations.schedule(name, req.body, callerOf(res).actor);
        res
          .status(202)
          .set('location', `/jobs/v2/${encodeURIComponent(jobId)}`)
          .json({ jobId });
      }),
    );
  }

  router.get(
    '/api/v1/devices/:id/operations',
    read,
    handle((req, res) => {
      res.json(operations.view(req.params.id as string));
    }),
  );

  router.get(
    '/api/v1/fleet/summary',
    read,
    handle((req, res) => {
      res.json(hub.fleet.summary(parseSilentMinutes(req.query.silentMinutes)));
    }),
  );

  return router;
}
