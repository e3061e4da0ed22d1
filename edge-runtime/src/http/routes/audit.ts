import { type Hub, parseAuditFilter, queryAudit } from '@outpost/core';
import { Router } from 'express';
import { type AuthOptions, callerOf } from '../auth';
import { handle } from '../request-guards';
import { requireRole } from '../require-role';

/**
 * `GET /api/v1/audit?deviceId=&actor=&kind=&since=&until=&text=&afterSeq=&limit=`: who did what,
 * when, to which record, read from the retained change feed, oldest first, in pages of at most 500
 * with a `nextAfterSeq` cursor; `order=newest` pages backwards with `beforeSeq`/`nextBeforeSeq`.
 * `text` matches words in the kind, record, actor and patch. Viewers and SAS policies with RegistryRead may read it; changes to
 * operator accounts are shown to admins only.
 */
export function auditRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();
  router.get(
    '/api/v1/audit',
    requireRole(auth, 'viewer', { sasRight: 'RegistryRead' }),
    handle(async (req, res) => {
      const filter = parseAuditFilter(req.query as Record<string, unknown>);
      const canSeeUsers = callerOf(res).user?.role === 'admin';
      res.json(await queryAudit(hub.feed, filter, canSeeUsers));
    }),
  );
  return router;
}
