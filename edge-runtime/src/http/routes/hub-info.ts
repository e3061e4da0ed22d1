import { readFile } from 'node:fs/promises';
import type { Hub, HubInfo } from '@outpost/core';
import { Router } from 'express';
import type { AuthOptions } from '../auth';
import { handle } from '../request-guards';
import { requireRole } from '../require-role';

/** What the route reads; the runtime provides it once its listeners are up. */
export interface HubInfoSource {
  describe(): Promise<HubInfo>;
  caPemPath: string;
}

/**
 * `GET /api/v1/hub` (the Hub screen: host name, ports, version, store and queue sizes) and
 * `GET /api/v1/hub/ca.pem` (the CA devices and browsers must trust). Both need a viewer: the CA
 * is public material, but the hub's facts are not for anonymous callers.
 */
export function hubInfoRouter(hub: Hub, auth: AuthOptions, source: HubInfoSource): Router {
  const router = Router();
  const viewer = requireRole(auth, 'viewer', { sasRight: 'RegistryRead' });
  router.get(
    '/api/v1/hub',
    viewer,
    handle(async (_req, res) => {
      res.json(await source.describe());
    }),
  );
  router.get(
    '/api/v1/hub/ca.pem',
    viewer,
    handle(async (_req, res) => {
      const pem = await readFile(source.caPemPath, 'utf8');
      res
        .type('application/x-pem-file')
        .set('content-disposition', `attachment; filename="outpost-${hub.hubId}-ca.pem"`)
        .send(pem);
    }),
  );
  return router;
}
