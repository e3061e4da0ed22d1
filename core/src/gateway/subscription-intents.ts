/**
 * What each identity subscribed to, kept across connections and hub restarts. The Node SDK never
 * re-subscribes after its SAS renewal (every 45 min) and re-subscribes only methods and C2D after a
 * drop (device-protocol.md §1.5, pitfall 5), so the hub, not the broker session, must remember
 * that a device wants desired patches, methods and C2D. Also remembered: the desired section as
 * last delivered, so that a device that missed changes gets one catch-up patch (§2.6).
 */
import type { StorePort } from '../ports/store';
import { type EmitGatewayEvent, identityKey } from './gateway-events';

/** Name of the store collection holding one document per identity that ever subscribed. */
export const DEVICE_SUBSCRIPTIONS = 'device-subscriptions';

/** The subscriptions an identity holds (twin responses are not one: they are always delivered). */
export interface SubscriptionIntent {
  desired: boolean;
  methods: boolean;
  c2d: boolean;
}

/** The desired section as the device last received it (by a GET answer or a patch). */
export interface DeliveredDesired {
  version: number;
  desired: Record<string, unknown>;
}

/** The stored document of one identity. */
export interface SubscriptionRecord extends SubscriptionIntent {
  deviceId: string;
  moduleId?: string;
  delivered?: DeliveredDesired;
}

/** The intents of every identity; reads are synchronous, writes resolve once durable. */
export interface SubscriptionIntents {
  /** The identity's intent (all false when it never subscribed). */
  get(deviceId: string, moduleId?: string): SubscriptionIntent;
  /** What the identity last received of the desired section, if known. */
  delivered(deviceId: string, moduleId?: string): DeliveredDesired | undefined;
  /** Sets some flags; stores and announces them only when they changed. Resolves once durable. */
  update(deviceId: string, moduleId: string | undefined, flags: Partial<SubscriptionIntent>): Promise<void>;
  /** Records a delivery; stores it only when the version moved, never per packet. */
  recordDelivered(deviceId: string, moduleId: string | undefined, delivered: DeliveredDesired): Promise<void>;
  /** Drops every document of a deleted device (its modules included). */
  forget(deviceId: string): Promise<void>;
}

const NONE: SubscriptionIntent = { desired: false, methods: false, c2d: false };

/** Creates the intents over the documents loaded at start. */
export function createSubscriptionIntents(deps: {
  store: StorePort;
  initial: Iterable<unknown>;
  emit: EmitGatewayEvent;
}): SubscriptionIntents {
  const records = new Map<string, SubscriptionRecord>();
  for (const doc of deps.initial) {
    const rec = doc as SubscriptionRecord;
    if (rec && typeof rec.deviceId === 'string') records.set(identityKey(rec.deviceId, rec.moduleId), rec);
  }

  const persist = async (key: string, rec: SubscriptionRecord | null): Promise<void> => {
    await deps.store.commit({ writes: [{ collection: DEVICE_SUBSCRIPTIONS, id: key, doc: rec }] });
  };

  return {
    get(deviceId, moduleId) {
      const rec = records.get(identityKey(deviceId, moduleId));
      return rec ? { desired: rec.desired, methods: rec.methods, c2d: rec.c2d } : { ...NONE };
    },
    delivered: (deviceId, moduleId) => records.get(identityKey(deviceId, moduleId))?.delivered,

    async update(deviceId, moduleId, flags) {
      const key = identityKey(deviceId, moduleId);
      const old = records.get(key) ?? { deviceId, ...(moduleId === undefined ? {} : { moduleId }), ...NONE };
      const next: SubscriptionRecord = { ...old, ...definedFlags(flags) };
      if (next.desired === old.desired && next.methods === old.methods && next.c2d === old.c2d) return;
      records.set(key, next);
      deps.emit('deviceSubscriptionsChanged', {
        deviceId,
        ...(moduleId === undefined ? {} : { moduleId }),
        desired: next.desired,
        methods: next.methods,
        c2d: next.c2d,
      });
      await persist(key, next);
    },

    async recordDelivered(deviceId, moduleId, delivered) {
      const key = identityKey(deviceId, moduleId);
      const old = records.get(key) ?? { deviceId, ...(moduleId === undefined ? {} : { moduleId }), ...NONE };
      // A GET answered again at the same version changes nothing: no write per packet.
      if (old.delivered && old.delivered.version === delivered.version) return;
      const next: SubscriptionRecord = { ...old, delivered };
      records.set(key, next);
      await persist(key, next);
    },

    async forget(deviceId) {
      const keys = [...records.keys()].filter((k) => k === deviceId || k.startsWith(`${deviceId}/`));
      for (const key of keys) records.delete(key);
      if (keys.length === 0) return;
      await deps.store.commit({
        writes: keys.map((id) => ({ collection: DEVICE_SUBSCRIPTIONS, id, doc: null })),
      });
    },
  };
}

function definedFlags(flags: Partial<SubscriptionIntent>): Partial<SubscriptionIntent> {
  const out: Partial<SubscriptionIntent> = {};
  if (flags.desired !== undefined) out.desired = flags.desired;
  if (flags.methods !== undefined) out.methods = flags.methods;
  if (flags.c2d !== undefined) out.c2d = flags.c2d;
  return out;
}
