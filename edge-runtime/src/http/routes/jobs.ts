import { type Hub, HubError, type JobResponse } from '@outpost/core';
import { type Request, Router } from 'express';
import { type AuthOptions, callerOf, requireRight } from '../auth';
import { handle, jsonBody } from '../request-guards';

/**
 * Scheduled jobs of the IoT Hub service API (service-api.md §2.5): `PUT /jobs/v2/{id}`,
 * `GET /jobs/v2/{id}`, `POST /jobs/v2/{id}/cancel` and `GET /jobs/v2/query`, all needing
 * RegistryWrite (§1.6). Bodies are the full JobResponse of §3.4.
 */
export function jobsRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();
  const write = requireRight(auth, 'RegistryWrite');

  router.get(
    '/jobs/v2/query',
    write,
    handle((req, res) => {
      const page = hub.jobs.list({
        ...optional('jobType', queryString(req, 'jobType')),
        ...optional('jobStatus', queryString(req, 'jobStatus')),
        ...optional('pageSize', pageSizeOf(req)),
        ...optional('continuation', req.get('x-ms-continuation') || queryString(req, 'continuationToken')),
      });
      res.set('x-ms-item-type', 'jobResponse');
      // The SDK loops forever on an empty continuation header: send it only when jobs remain.
      if (page.continuation) res.set('x-ms-continuation', page.continuation);
      res.json(page.jobs);
    }),
  );

  // Why regular expressions without capture groups: express decodes route parameters itself and
  // fails on a stray `%`, while getJob and cancelJob send the id unencoded (see jobOf).
  router.put(
    /^\/jobs\/v2\/[^/]+$/,
    write,
    jsonBody(),
    handle(async (req, res) => {
      const id = decodeSegment(rawId(req.path));
      res.json(await hub.jobs.create(id, req.body, callerOf(res).actor));
    }),
  );

  router.get(
    /^\/jobs\/v2\/.+$/,
    write,
    handle((req, res) => {
      res.json(jobOf(hub, rawId(req.path)));
    }),
  );

  router.post(
    /^\/jobs\/v2\/.+\/cancel$/,
    write,
    handle(async (req, res) => {
      const job = jobOf(hub, rawId(req.path.slice(0, -'/cancel'.length)));
      res.json(await hub.jobs.cancel(job.jobId, callerOf(res).actor));
    }),
  );

  return router;
}

const PREFIX = '/jobs/v2/';

function rawId(path: string): string {
  return path.slice(PREFIX.length);
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HubError('INVALID_ARGUMENT', 'The job id in the path is not valid percent-encoding.');
  }
}

/**
 * The job a getJob/cancelJob path names. The SDK puts the id in the path unencoded while PUT
 * encodes it, so the path is tried decoded first (other clients encode) and then as sent.
 */
function jobOf(hub: Hub, raw: string): JobResponse {
  let decoded: string | undefined;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    decoded = undefined;
  }
  const job = (decoded !== undefined ? hub.jobs.find(decoded) : undefined) ?? hub.jobs.find(raw);
  if (!job) throw new HubError('JOB_NOT_FOUND', `Job ${decoded ?? raw} does not exist.`);
  return job;
}

function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Page size from `x-ms-max-item-count` (what the SDK sends) or `pageSize` (what the docs show). */
function pageSizeOf(req: Request): number | undefined {
  const text = req.get('x-ms-max-item-count') ?? queryString(req, 'pageSize');
  if (text === undefined) return undefined;
  const size = Number(text);
  if (!(Number.isInteger(size) && size > 0)) {
    throw new HubError('INVALID_ARGUMENT', 'The page size must be a positive integer.');
  }
  return size;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
