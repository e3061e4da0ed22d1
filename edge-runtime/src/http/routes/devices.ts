import { type BulkFailure, type DeviceIdentity, type Hub, HubError, parseIfMatch } from '@outpost/core';
import type { Response } from 'express';
import { Router } from 'express';
import { type AuthOptions, callerOf, requireRight } from '../auth';
import { httpErrors } from '../error-map';
import { handle, jsonBody, objectBody } from '../request-guards';

/** The identity registry routes of the IoT Hub service API (service-api.md §2.1). */
export function devicesRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();
  const read = requireRight(auth, 'RegistryRead');
  const write = requireRight(auth, 'RegistryWrite');

  router.get(
    '/statistics/devices',
    read,
    handle((_req, res) => {
      res.json(hub.registry.statistics());
    }),
  );

  router.get(
    '/devices',
    read,
    handle((req, res) => {
      const top = req.query.top === undefined ? undefined : Number(req.query.top);
      res.json(hub.registry.list(Number.isFinite(top) ? top : undefined).map((d) => forCaller(res, d)));
    }),
  );

  router.post(
    '/devices',
    write,
    jsonBody(),
    handle(async (req, res) => {
      const failures = await hub.bulk(req.body, callerOf(res).actor);
      const body = toBulkResult(failures);
      res.status(failures.length ? 400 : 200).json(body);
    }),
  );

  router.get(
    '/devices/:id',
    read,
    handle((req, res) => {
      res.json(forCaller(res, hub.registry.get(req.params.id as string)));
    }),
  );

  router.put(
    '/devices/:id',
    write,
    jsonBody(),
    handle(async (req, res) => {
      const id = req.params.id as string;
      const ifMatch = parseIfMatch(req.get('if-match'));
      const actor = callerOf(res).actor;
      // The SDK's create sends no If-Match; its update always sends one (service-api.md §1.5).
      if (ifMatch === undefined) {
        const body = objectBody(req.body);
        if (body.deviceId !== undefined && body.deviceId !== id) {
          throw new HubError(
            'INVALID_ARGUMENT',
            `The body deviceId ${body.deviceId} differs from the path ${id}.`,
          );
        }
        res.json(await hub.registry.create({ ...body, deviceId: id }, actor));
      } else {
        res.json(await hub.registry.update(id, objectBody(req.body), ifMatch, actor));
      }
    }),
  );

  router.delete(
    '/devices/:id',
    write,
    handle(async (req, res) => {
      await hub.registry.delete(
        req.params.id as string,
        parseIfMatch(req.get('if-match')),
        callerOf(res).actor,
      );
      res.status(204).end();
    }),
  );

  return router;
}

/**
 * What a reader sees of an identity. A SAS policy with RegistryRead gets the keys, as IoT Hub gives
 * them; an operator signed in as a viewer does not: the keys let anyone act as the device, and the
 * viewer role is meant to change nothing. Operators and admins see them (the connection-string
 * route needs operator too).
 */
function forCaller(res: Response, device: DeviceIdentity): DeviceIdentity {
  if (callerOf(res).user?.role !== 'viewer') return device;
  return {
    ...device,
    authentication: { ...device.authentication, symmetricKey: { primaryKey: null, secondaryKey: null } },
  };
}

/** The BulkRegistryOperationResult body (service-api.md §2.1). */
function toBulkResult(failures: BulkFailure[]) {
  return {
    isSuccessful: failures.length === 0,
    errors: failures.map((f) => ({
      deviceId: f.deviceId,
      errorCode: httpErrors[f.code].name,
      errorStatus: f.message,
      operation: f.operation,
    })),
    warnings: [],
  };
}
