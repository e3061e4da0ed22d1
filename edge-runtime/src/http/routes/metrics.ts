import { Router } from 'express';
import { PROMETHEUS_CONTENT_TYPE } from '../../metrics/exposition';
import type { HubMetrics } from '../../metrics/hub-metrics';
import type { AuthOptions } from '../auth';
import { handle } from '../request-guards';
import { requireRole } from '../require-role';

/**
 * `GET /metrics`: Prometheus text exposition. Authenticated like any read: an operator bearer token
 * (viewer or better) or a SAS token of a policy with RegistryRead (e.g. `registryRead`), so a
 * scraper is configured with `authorization` credentials; there is no anonymous mode.
 */
export function metricsRouter(metrics: HubMetrics, auth: AuthOptions): Router {
  const router = Router();
  router.get(
    '/metrics',
    requireRole(auth, 'viewer', { sasRight: 'RegistryRead' }),
    handle(async (_req, res) => {
      res.set('content-type', PROMETHEUS_CONTENT_TYPE).set('cache-control', 'no-store');
      res.send(await metrics.render());
    }),
  );
  return router;
}
