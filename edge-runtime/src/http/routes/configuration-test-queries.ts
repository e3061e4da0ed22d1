import { type Hub, testConfigurationQueries } from '@outpost/core';
import { Router } from 'express';
import { type AuthOptions, requireRight } from '../auth';
import { handle, jsonBody } from '../request-guards';

/**
 * `POST /configurations/testQueries` `{targetCondition?, customMetricQueries?}` → `{targetConditionError,
 * customMetricQueryErrors, targetedCount?}`: checks a configuration draft's queries without saving
 * it (the operator UI's live "N devices match"). A read: viewers and RegistryRead policies may call it.
 */
export function configurationTestQueriesRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();
  router.post(
    '/configurations/testQueries',
    requireRight(auth, 'RegistryRead'),
    jsonBody(),
    handle((req, res) => {
      const count = (where: string | undefined) => {
        const page = hub.query(`SELECT COUNT() AS n FROM devices${where ? ` WHERE ${where}` : ''}`);
        return Number((page.rows[0] as { n?: number } | undefined)?.n ?? 0);
      };
      res.json(
        testConfigurationQueries(req.body, (condition) => count(condition.expr ? condition.text : undefined)),
      );
    }),
  );
  return router;
}
