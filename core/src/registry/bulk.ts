import { z } from 'zod';
import type { Actor } from '../contracts/change';
import { type BulkEntry, bulkEntrySchema } from '../contracts/device';
import { type ErrorCode, HubError, isHubError } from '../errors';
import type { TwinService } from '../twins/twin-service';
import type { RegistryService } from './registry-service';

/** Azure caps a bulk registry request at 100 devices (service-api.md §2.1). */
export const MAX_BULK_DEVICES = 100;

/** The outcome of one entry of a bulk request. */
export interface BulkFailure {
  deviceId: string;
  operation: string;
  code: ErrorCode;
  message: string;
}

const MODES = [
  'create',
  'update',
  'updateifmatchetag',
  'delete',
  'deleteifmatchetag',
  'updatetwin',
  'updatetwinifmatchetag',
] as const;
type Mode = (typeof MODES)[number];

/** Parses and checks a bulk body; throws INVALID_ARGUMENT or TOO_MANY_DEVICES for the request as a whole. */
export function parseBulkRequest(body: unknown): BulkEntry[] {
  if (!Array.isArray(body))
    throw new HubError('INVALID_ARGUMENT', 'A bulk request body must be a JSON array.');
  if (body.length === 0) throw new HubError('INVALID_ARGUMENT', 'A bulk request needs at least one device.');
  if (body.length > MAX_BULK_DEVICES) {
    throw new HubError(
      'TOO_MANY_DEVICES',
      `A bulk request carries at most ${MAX_BULK_DEVICES} devices, got ${body.length}.`,
    );
  }
  const parsed = z.array(bulkEntrySchema).safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HubError(
      'INVALID_ARGUMENT',
      `Invalid bulk entry at ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

/** Applies each entry independently and returns the failures (empty when all succeeded). */
export async function applyBulk(
  entries: BulkEntry[],
  services: { registry: RegistryService; twins: TwinService },
  actor: Actor,
): Promise<BulkFailure[]> {
  const failures: BulkFailure[] = [];
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
  await Promise.all(
    entries.map(async (entry) => {
      const mode = entry.importMode.toLowerCase() as Mode;
      const fail = (code: ErrorCode, message: string) =>
        failures.push({ deviceId: entry.id, operation: entry.importMode, code, message });
      if ((counts.get(entry.id) ?? 0) > 1) {
        return fail('DEVICE_DEFINED_MULTIPLE_TIMES', `Device ${entry.id} appears more than once.`);
      }
      if (!MODES.includes(mode)) return fail('INVALID_ARGUMENT', `Unknown importMode ${entry.importMode}.`);
      try {
        await applyOne(mode, entry, services, actor);
      } catch (err) {
        if (!isHubError(err)) throw err;
        fail(err.code, err.message);
      }
    }),
  );
  return failures;
}

async function applyOne(
  mode: Mode,
  entry: BulkEntry,
  { registry, twins }: { registry: RegistryService; twins: TwinService },
  actor: Actor,
): Promise<void> {
  const { id, importMode: _mode, eTag, etag, twinETag, tags, properties, ...identity } = entry;
  const deviceEtag = eTag ?? etag ?? undefined;
  const desired = properties?.desired ?? undefined;
  switch (mode) {
    case 'create':
      await registry.create({ ...identity, deviceId: id }, actor, {
        ...(tags ? { tags } : {}),
        ...(desired ? { desired } : {}),
      });
      return;
    case 'update':
    case 'updateifmatchetag': {
      const ifMatch = mode === 'update' ? '*' : requireEtag(deviceEtag, id);
      await registry.update(id, { ...identity, deviceId: id }, ifMatch, actor);
      if (tags || desired) await twins.patch(id, { tags, properties: { desired } }, '*', actor);
      return;
    }
    case 'delete':
    case 'deleteifmatchetag':
      await registry.delete(id, mode === 'delete' ? '*' : requireEtag(deviceEtag, id), actor);
      return;
    case 'updatetwin':
    case 'updatetwinifmatchetag': {
      const ifMatch = mode === 'updatetwin' ? '*' : requireEtag(twinETag ?? undefined, id);
      await twins.patch(
        id,
        { ...(tags ? { tags } : {}), properties: { desired: desired ?? {} } },
        ifMatch,
        actor,
      );
      return;
    }
  }
}

function requireEtag(etag: string | undefined, id: string): string {
  if (!etag) throw new HubError('INVALID_ARGUMENT', `Device ${id} needs an etag for this importMode.`);
  return etag;
}
