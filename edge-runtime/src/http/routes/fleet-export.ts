import { cellText, csvLine, type DeviceRecord, flattenSection, type Hub, HubError } from '@outpost/core';
import { type Request, type Response, Router } from 'express';
import { type AuthOptions, requireRight } from '../auth';
import { handle } from '../request-guards';

/** One device of an export: identity summary, twin sections without metadata, keys when asked. */
export function exportEntry(rec: DeviceRecord, includeKeys: boolean): Record<string, unknown> {
  const { identity, twin } = rec;
  const keys = identity.authentication.symmetricKey;
  return {
    deviceId: identity.deviceId,
    status: identity.status,
    statusReason: identity.statusReason,
    connectionState: identity.connectionState,
    lastActivityTime: identity.lastActivityTime,
    authenticationType: identity.authentication.type,
    ...(includeKeys ? { primaryKey: keys.primaryKey, secondaryKey: keys.secondaryKey } : {}),
    tags: twin.tags,
    desired: twin.desired,
    reported: twin.reported,
  };
}

/** Writes a chunk, waiting for the socket to drain; false once the client has gone (stop writing). */
async function write(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  return !res.destroyed;
}

function flagOf(req: Request, name: string): boolean {
  const raw = req.query[name];
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new HubError('INVALID_ARGUMENT', `${name} must be true or false.`);
}

async function streamJson(hub: Hub, res: Response, includeKeys: boolean): Promise<void> {
  res.type('application/json');
  await write(res, '[');
  let first = true;
  for (const id of [...hub.devices.sortedIds()]) {
    const rec = hub.devices.get(id);
    if (!rec) continue;
    if (!(await write(res, `${first ? '' : ','}\n${JSON.stringify(exportEntry(rec, includeKeys))}`))) return;
    first = false;
  }
  res.end('\n]\n');
}

async function streamCsv(hub: Hub, res: Response, includeKeys: boolean): Promise<void> {
  const ids = [...hub.devices.sortedIds()];
  // The header needs every path first: one pass collects them, a second writes the rows.
  const paths = { tags: new Set<string>(), desired: new Set<string>(), reported: new Set<string>() };
  for (const id of ids) {
    const twin = hub.devices.get(id)?.twin;
    if (!twin) continue;
    for (const section of ['tags', 'desired', 'reported'] as const) {
      for (const [path] of flattenSection(twin[section])) paths[section].add(path);
    }
  }
  const columns = (['tags', 'desired', 'reported'] as const).flatMap((s) =>
    [...paths[s]].sort().map((p) => [s, p] as const),
  );
  res.type('text/csv');
  await write(
    res,
    csvLine([
      'deviceId',
      'status',
      'connectionState',
      'lastActivityTime',
      ...columns.map(([s, p]) => `${s}.${p}`),
      ...(includeKeys ? ['primaryKey', 'secondaryKey'] : []),
    ]),
  );
  for (const id of ids) {
    const rec = hub.devices.get(id);
    if (!rec) continue;
    const flat = {
      tags: new Map(flattenSection(rec.twin.tags)),
      desired: new Map(flattenSection(rec.twin.desired)),
      reported: new Map(flattenSection(rec.twin.reported)),
    };
    const keys = rec.identity.authentication.symmetricKey;
    const line = csvLine([
      id,
      rec.identity.status,
      rec.identity.connectionState,
      rec.identity.lastActivityTime,
      ...columns.map(([s, p]) => cellText(flat[s].get(p))),
      ...(includeKeys ? [keys.primaryKey ?? '', keys.secondaryKey ?? ''] : []),
    ]);
    if (!(await write(res, line))) return;
  }
  res.end();
}

/**
 * `GET /api/v1/exports?format=json|csv&includeKeys=false`: every identity with its twin (tags,
 * desired, reported), streamed. CSV columns are those of an import (plus ignored status and
 * `reported.*` columns), so an export reads back as an import. Keys need the operator role.
 */
export function fleetExportRouter(hub: Hub, auth: AuthOptions): Router {
  const router = Router();
  router.get(
    '/api/v1/exports',
    (req, res, next) => {
      const keys = req.query.includeKeys === 'true';
      requireRight(auth, keys ? 'RegistryWrite' : 'RegistryRead', keys ? 'operator' : 'viewer')(
        req,
        res,
        next,
      );
    },
    handle(async (req, res) => {
      const format = req.query.format ?? 'json';
      if (format !== 'json' && format !== 'csv')
        throw new HubError('INVALID_ARGUMENT', 'format must be json or csv.');
      const includeKeys = flagOf(req, 'includeKeys');
      res.set('content-disposition', `attachment; filename="devices.${format}"`);
      if (format === 'csv') await streamCsv(hub, res, includeKeys);
      else await streamJson(hub, res, includeKeys);
    }),
  );
  return router;
}
