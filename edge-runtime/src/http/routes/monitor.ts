import { type Hub, HubError, parseHistoryMinutes } from '@outpost/core';
import { Router } from 'express';
import { type AuthOptions, callerOf } from '../auth';
import { handle, jsonBody } from '../request-guards';
import { requireRole } from '../require-role';

/**
 * Monitor: `GET /api/v1/fleet/connections/history?minutes=` (the connected-device count over
 * time, core/src/fleet/connection-history.ts), the alert rules `GET /api/v1/alerts/rules`,
 * `GET|PUT|DELETE /api/v1/alerts/rules/{id}` (operators change them, viewers read them) and
 * `GET /api/v1/alerts` (every rule evaluated now: count, first device ids, firing).
 */
export function monitorRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();
  const read = requireRole(auth, 'viewer', { sasRight: 'RegistryRead' });
  const write = requireRole(auth, 'operator', { sasRight: 'RegistryWrite' });

  router.get(
    '/api/v1/fleet/connections/history',
    read,
    handle((req, res) => {
      res.json(hub.connectionHistory.history(parseHistoryMinutes(req.query.minutes)));
    }),
  );

  router.get(
    '/api/v1/alerts',
    read,
    handle((_req, res) => {
      res.json(hub.alerts.evaluate());
    }),
  );

  router.get(
    '/api/v1/alerts/rules',
    read,
    handle((_req, res) => {
      res.json(hub.alerts.list());
    }),
  );

  router.get(
    '/api/v1/alerts/rules/:id',
    read,
    handle((req, res) => {
      const rule = hub.alerts.get(req.params.id as string);
      if (!rule) throw new HubError('NOT_FOUND', `No alert rule ${req.params.id}.`);
      res.json(rule);
    }),
  );

  router.put(
    '/api/v1/alerts/rules/:id',
    write,
    jsonBody(),
    handle(async (req, res) => {
      const { rule, created } = await hub.alerts.put(req.params.id as string, req.body, callerOf(res).actor);
      res.status(created ? 201 : 200).json(rule);
    }),
  );

  router.delete(
    '/api/v1/alerts/rules/:id',
    write,
    handle(async (req, res) => {
      await hub.alerts.remove(req.params.id as string, callerOf(res).actor);
      res.status(204).end();
    }),
  );

  return router;
}
