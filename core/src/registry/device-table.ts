import type { TwinDocument } from '../contracts/device';
import { type DeviceRecord, toTwinDocument } from './device-record';

/** The in-memory device set: records by id, a sorted id index and cached twin documents. */
export interface DeviceTable {
  get(id: string): DeviceRecord | undefined;
  has(id: string): boolean;
  set(rec: DeviceRecord): void;
  delete(id: string): void;
  size(): number;
  /** Ids in ordinal order (the canonical query order). */
  sortedIds(): readonly string[];
  /** The twin document of a device, built once per change. */
  twin(id: string): TwinDocument | undefined;
  /** Every record, in no particular order. */
  records(): IterableIterator<DeviceRecord>;
}

const ordinal = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Creates an empty table. */
export function createDeviceTable(): DeviceTable {
  const byId = new Map<string, DeviceRecord>();
  const twins = new Map<string, TwinDocument>();
  // Rebuilt lazily: a bulk import of 10k devices must not re-sort 10k times.
  let sorted: string[] | null = [];
  return {
    get: (id) => byId.get(id),
    has: (id) => byId.has(id),
    set(rec) {
      const id = rec.identity.deviceId;
      if (!byId.has(id)) sorted = null;
      byId.set(id, rec);
      twins.delete(id);
    },
    delete(id) {
      if (byId.delete(id)) sorted = null;
      twins.delete(id);
    },
    size: () => byId.size,
    sortedIds() {
      if (!sorted) sorted = [...byId.keys()].sort(ordinal);
      return sorted;
    },
    twin(id) {
      let doc = twins.get(id);
      if (doc) return doc;
      const rec = byId.get(id);
      if (!rec) return undefined;
      doc = toTwinDocument(rec);
      twins.set(id, doc);
      return doc;
    },
    records: () => byId.values(),
  };
}
