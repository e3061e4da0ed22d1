/**
 * Retired devices: `DELETE /api/v1/devices/{id}?archive=true` removes the device and keeps its
 * identity (keys stripped) and twin in collection `archived-devices`, in the same durable commit
 * as the deletion. One archive entry per device id: archiving the id again replaces it.
 */
import type { Actor } from '../contracts/change';
import type { DeviceIdentity, TwinDocument } from '../contracts/device';
import { HubError } from '../errors';
import type { ChangeFeed } from '../feed/change-feed';
import { DEVICES, toTwinDocument } from '../registry/device-record';
import type { DeviceTable } from '../registry/device-table';

/** Store collection of archived devices. */
export const ARCHIVED_DEVICES = 'archived-devices';

/** An archived device: identity without keys, the twin as it was, and who retired it when. */
export interface ArchivedDevice {
  deviceId: string;
  archivedTime: string;
  archivedBy: Actor;
  identity: DeviceIdentity;
  twin: TwinDocument;
}

/** Deletes devices into the archive and reads the archive. */
export interface DeviceArchive {
  /** Deletes the device and archives it in one commit (a `deviceDeleted` change with `archived: true`). */
  archive(id: string, actor: Actor): Promise<ArchivedDevice>;
  get(id: string): ArchivedDevice | undefined;
  /** Archived devices in id order. */
  list(): ArchivedDevice[];
}

/** Creates the archive over the device table and the change feed. */
export function createDeviceArchive(deps: {
  table: DeviceTable;
  feed: ChangeFeed;
  nowIso: () => string;
  initial?: Iterable<unknown>;
}): DeviceArchive {
  const archived = new Map<string, ArchivedDevice>();
  for (const doc of deps.initial ?? []) {
    const entry = doc as ArchivedDevice;
    archived.set(entry.deviceId, entry);
  }
  return {
    async archive(id, actor) {
      const rec = deps.table.get(id);
      if (!rec) throw new HubError('DEVICE_NOT_FOUND', `Device ${id} is not registered.`, { deviceId: id });
      const identity = structuredClone(rec.identity);
      identity.authentication.symmetricKey = { primaryKey: null, secondaryKey: null };
      const entry: ArchivedDevice = {
        deviceId: id,
        archivedTime: deps.nowIso(),
        archivedBy: actor,
        identity,
        twin: structuredClone(toTwinDocument(rec)),
      };
      deps.table.delete(id);
      archived.set(id, entry);
      await deps.feed.append({
        kind: 'deviceDeleted',
        actor,
        id,
        patch: { deviceId: id, generationId: rec.identity.generationId, archived: true },
        writes: [
          { collection: DEVICES, id, doc: null },
          { collection: ARCHIVED_DEVICES, id, doc: entry },
        ],
      });
      return structuredClone(entry);
    },
    get(id) {
      const entry = archived.get(id);
      return entry ? structuredClone(entry) : undefined;
    },
    list: () => [...archived.keys()].sort().map((id) => structuredClone(archived.get(id) as ArchivedDevice)),
  };
}
