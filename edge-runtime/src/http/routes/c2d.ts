import type { Hub } from '@outpost/core';
import { Router } from 'express';
import { type AuthOptions, requireRight } from '../auth';
import { handle, jsonBody } from '../request-guards';

/**
 * Outpost's own cloud-to-device API (IoT Hub's service side sends C2D over AMQP, which Outpost
 * does not speak): queue, list and purge the messages of one device.
 */
export function c2dRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();
  const path = '/api/v1/devices/:id/messages';

  // 202: the message is durably queued, not yet delivered (delivery waits for the device's PUBACK).
  router.post(
    path,
    requireRight(auth, 'ServiceConnect'),
    jsonBody(),
    handle(async (req, res) => {
      res.status(202).json(await hub.c2d.send(req.params.id as string, req.body));
    }),
  );

  router.get(
    path,
    requireRight(auth, 'RegistryRead'),
    handle(async (req, res) => {
      res.json(await hub.c2d.list(req.params.id as string));
    }),
  );

  // The body follows IoT Hub's PurgeMessageQueueResult.
  router.delete(
    path,
    requireRight(auth, 'ServiceConnect'),
    handle(async (req, res) => {
      const deviceId = req.params.id as string;
      res.json({ deviceId, totalMessagesPurged: await hub.c2d.purge(deviceId) });
    }),
  );

  return router;
}
