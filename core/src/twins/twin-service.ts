import type { Actor, ChangeKind } from '../contracts/change';
import { type TwinDocument, type TwinPatch, twinPatchSchema } from '../contracts/device';
import { HubError } from '../errors';
import type { ChangeFeed } from '../feed/change-feed';
import { DEVICES, type DeviceRecord, type TwinState } from '../registry/device-record';
import type { DeviceTable } from '../registry/device-table';
import { encodeEtag, etagMatches } from './etag';
import { applyMergePatch } from './json-merge';
import { checkSection, validatePatchShape } from './limits';
import { buildMetadataForReplace, updateMetadata } from './metadata';

/** Twin operations: the service side (tags, desired) and the device side (reported). */
export interface TwinService {
  get(id: string): TwinDocument;
  /** Merges tags and desired properties (PATCH /twins/{id}). */
  patch(id: string, patch: unknown, ifMatch: string | undefined, actor: Actor): Promise<TwinDocument>;
  /** Replaces tags and desired properties wholesale (PUT /twins/{id}); reported is ignored. */
  replace(id: string, twin: unknown, ifMatch: string | undefined, actor: Actor): Promise<TwinDocument>;
  /** Merges a device's reported properties; returns the new reported `$version`. */
  patchReported(id: string, patch: unknown, actor: Actor): Promise<number>;
}

type Section = Record<string, unknown>;

/** Builds the twin of a new device. */
export function newTwinState(
  seq: number,
  init: { tags?: Section; desired?: Section } | undefined,
  now: string,
) {
  // Twins never hold null: strip them from initial values as a merge into {} would.
  const tags = applyMergePatch({}, init?.tags ?? {});
  const desired = applyMergePatch({}, init?.desired ?? {});
  checkSection('tags', tags);
  checkSection('desired', desired);
  const twin: TwinState = {
    version: 1,
    etag: encodeEtag(seq),
    modelId: '',
    tags,
    desired,
    desiredMeta: buildMetadataForReplace(desired, now, 1),
    desiredVersion: 1,
    reported: {},
    reportedMeta: buildMetadataForReplace({}, now),
    reportedVersion: 1,
  };
  return twin;
}

function parsePatch(body: unknown, id: string): TwinPatch {
  validatePatchShape(body);
  const parsed = twinPatchSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HubError(
      'INVALID_ARGUMENT',
      `Invalid twin patch at ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'bad value'}`,
    );
  }
  const patch = parsed.data;
  if (patch.deviceId !== undefined && patch.deviceId !== id) {
    throw new HubError(
      'INVALID_ARGUMENT',
      `The patch deviceId ${patch.deviceId} differs from the path ${id}.`,
    );
  }
  if (patch.tags !== undefined) validatePatchShape(patch.tags, 'tags');
  if (patch.properties?.desired !== undefined)
    validatePatchShape(patch.properties.desired, 'properties.desired');
  if (patch.properties && patch.properties.reported !== undefined) {
    throw new HubError('INVALID_ARGUMENT', 'Reported properties can only be written by the device.');
  }
  return patch;
}

/** Creates the twin service. */
export function createTwinService(deps: {
  table: DeviceTable;
  feed: ChangeFeed;
  nowIso: () => string;
}): TwinService {
  const { table, feed } = deps;

  const mustGet = (id: string): DeviceRecord => {
    const rec = table.get(id);
    if (!rec) throw new HubError('DEVICE_NOT_FOUND', `Device ${id} is not registered.`, { deviceId: id });
    return rec;
  };
  const checkEtag = (rec: DeviceRecord, ifMatch: string | undefined): void => {
    if (!etagMatches(ifMatch, rec.twin.etag)) {
      throw new HubError(
        'PRECONDITION_FAILED',
        `The twin etag of ${rec.identity.deviceId} does not match If-Match.`,
      );
    }
  };

  const commit = async (
    rec: DeviceRecord,
    twin: TwinState,
    kind: ChangeKind,
    patch: unknown,
    actor: Actor,
  ) => {
    const id = rec.identity.deviceId;
    const next: DeviceRecord = { identity: rec.identity, twin };
    table.set(next);
    await feed.append({ kind, actor, id, patch, writes: [{ collection: DEVICES, id, doc: next }] });
    return table.twin(id)!;
  };

  return {
    get: (id) => {
      mustGet(id);
      return table.twin(id)!;
    },

    async patch(id, body, ifMatch, actor) {
      const patch = parsePatch(body, id);
      const rec = mustGet(id);
      checkEtag(rec, ifMatch);
      const now = deps.nowIso();
      const seq = feed.lastSeq() + 1;
      const old = rec.twin;
      const tagsPatch = patch.tags ?? undefined;
      const desiredPatch = patch.properties?.desired ?? undefined;
      const tags = tagsPatch ? applyMergePatch(old.tags, tagsPatch) : old.tags;
      const desired = desiredPatch ? applyMergePatch(old.desired, desiredPatch) : old.desired;
      if (tagsPatch) checkSection('tags', tags);
      if (desiredPatch) checkSection('desired', desired);
      const desiredVersion = desiredPatch ? old.desiredVersion + 1 : old.desiredVersion;
      const twin: TwinState = {
        ...old,
        version: old.version + 1,
        etag: encodeEtag(seq),
        tags,
        desired,
        desiredVersion,
        desiredMeta: desiredPatch
          ? updateMetadata(old.desiredMeta, desiredPatch, now, desiredVersion)
          : old.desiredMeta,
      };
      const change: Record<string, unknown> = {};
      if (tagsPatch) change.tags = tagsPatch;
      if (desiredPatch) change.desired = { ...desiredPatch, $version: desiredVersion };
      return commit(rec, twin, desiredPatch ? 'twinDesiredChanged' : 'twinTagsChanged', change, actor);
    },

    async replace(id, body, ifMatch, actor) {
      const patch = parsePatch(stripReported(body), id);
      const rec = mustGet(id);
      checkEtag(rec, ifMatch);
      const now = deps.nowIso();
      const seq = feed.lastSeq() + 1;
      const old = rec.twin;
      const tags = stripNulls(patch.tags ?? {});
      const desired = stripNulls(stripSystemKeys(patch.properties?.desired ?? {}));
      checkSection('tags', tags);
      checkSection('desired', desired);
      const desiredVersion = old.desiredVersion + 1;
      const twin: TwinState = {
        ...old,
        version: old.version + 1,
        etag: encodeEtag(seq),
        tags,
        desired,
        desiredVersion,
        desiredMeta: buildMetadataForReplace(desired, now, desiredVersion),
      };
      const change = { replaced: true, tags, desired: { ...desired, $version: desiredVersion } };
      return commit(rec, twin, 'twinDesiredChanged', change, actor);
    },

    async patchReported(id, body, actor) {
      validatePatchShape(body);
      const patch = stripSystemKeys(body as Section);
      const rec = mustGet(id);
      const now = deps.nowIso();
      const old = rec.twin;
      const reported = applyMergePatch(old.reported, patch);
      checkSection('reported', reported);
      const reportedVersion = old.reportedVersion + 1;
      const twin: TwinState = {
        ...old,
        reported,
        reportedVersion,
        reportedMeta: updateMetadata(old.reportedMeta, patch, now),
      };
      await commit(rec, twin, 'twinReportedChanged', { ...patch, $version: reportedVersion }, actor);
      return reportedVersion;
    },
  };
}

/** A replace body may carry the whole twin read back; only tags and desired count. */
function stripReported(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const b = body as Record<string, unknown>;
  const props = b.properties as Record<string, unknown> | undefined;
  if (!props || typeof props !== 'object') return body;
  const { reported: _ignored, ...rest } = props;
  return { ...b, properties: rest };
}

/** `$metadata` / `$version` read back from a twin are the hub's, not the caller's. */
function stripSystemKeys(section: Section): Section {
  const out: Section = {};
  for (const [k, v] of Object.entries(section)) if (k !== '$metadata' && k !== '$version') out[k] = v;
  return out;
}

/** A replace stores no nulls: twins never hold null values. */
function stripNulls(section: Section): Section {
  return applyMergePatch({}, section);
}
