import { type Hub, HubError, type ImportRowResult } from '@outpost/core';
import { type Request, Router } from 'express';
import { type AuthOptions, callerOf } from '../auth';
import { httpErrors } from '../error-map';
import { handle } from '../request-guards';
import { requireRole } from '../require-role';
import { importBody, importRows } from './fleet-import-body';

/** Default and largest page of import results. */
export const IMPORT_RESULTS_PAGE = { default: 1000, max: 5000 } as const;

function intParam(req: Request, name: string, fallback: number, max: number): number {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < 0 || n > max) {
    throw new HubError('INVALID_ARGUMENT', `${name} must be an integer from 0 to ${max}.`);
  }
  return n;
}

/** A row result with the IoT Hub error name (`DeviceAlreadyExists`, …) instead of the core code. */
function wireResult(result: ImportRowResult) {
  return result.error
    ? { ...result, error: { code: httpErrors[result.error.code].name, message: result.error.message } }
    : result;
}

/**
 * Fleet provisioning: `POST /api/v1/imports` (text/csv or application/json, format in
 * core/src/fleet/import-rows.ts) answers 202 with the import job, processed in the background;
 * `GET /api/v1/imports/{id}?offset=&limit=&failedOnly=` shows progress and a page of row results;
 * `GET /api/v1/imports` lists the kept jobs. Operators import; viewers read.
 */
export function fleetImportsRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();
  const read = requireRole(auth, 'viewer', { sasRight: 'RegistryRead' });
  const write = requireRole(auth, 'operator', { sasRight: 'RegistryWrite' });

  router.post(
    '/api/v1/imports',
    write,
    importBody(),
    handle((req, res) => {
      const { rows, format } = importRows(req);
      const job = hub.fleet.imports.start(rows, format, callerOf(res).actor);
      res.status(202).set('location', `/api/v1/imports/${job.id}`).json(job);
    }),
  );

  router.get(
    '/api/v1/imports',
    read,
    handle((_req, res) => {
      res.json(hub.fleet.imports.list());
    }),
  );

  router.get(
    '/api/v1/imports/:id',
    read,
    handle((req, res) => {
      const id = req.params.id as string;
      const offset = intParam(req, 'offset', 0, Number.MAX_SAFE_INTEGER);
      const limit = intParam(req, 'limit', IMPORT_RESULTS_PAGE.default, IMPORT_RESULTS_PAGE.max);
      const job = hub.fleet.imports.get(id);
      if (!job) throw new HubError('NOT_FOUND', `No import ${id}.`);
      const failedOnly = req.query.failedOnly === 'true';
      const page = hub.fleet.imports.results(id, offset, limit, failedOnly) ?? { results: [] };
      res.json({
        ...job,
        results: page.results.map(wireResult),
        ...(page.nextOffset !== undefined ? { nextOffset: page.nextOffset } : {}),
      });
    }),
  );

  return router;
}
