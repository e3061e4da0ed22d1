import { type Hub, HubError } from '@outpost/core';
import { Router } from 'express';
import { type AuthOptions, requireRight } from '../auth';
import { handle, jsonBody, objectBody } from '../request-guards';

/** `POST /devices/query` with header paging (service-api.md §2.3, query-language.md §4). */
export function queryRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();
  router.post(
    '/devices/query',
    requireRight(auth, 'ServiceConnect'),
    jsonBody(),
    handle((req, res) => {
      const body = objectBody(req.body);
      if (typeof body.query !== 'string') {
        throw new HubError('INVALID_ARGUMENT', 'The body must be {"query": "<SELECT ...>"}.');
      }
      const sizeHeader = req.get('x-ms-max-item-count');
      const pageSize = sizeHeader === undefined ? undefined : Number(sizeHeader);
      if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize > 0)) {
        throw new HubError('INVALID_ARGUMENT', 'x-ms-max-item-count must be a positive integer.');
      }
      const continuation = req.get('x-ms-continuation') || undefined;
      const page = hub.query(body.query, { pageSize, continuation });
      res.set('x-ms-item-type', page.itemType);
      // The SDK loops forever on an empty continuation header: send it only when rows remain.
      if (page.continuation) res.set('x-ms-continuation', page.continuation);
      res.json(page.rows);
    }),
  );
  return router;
}
