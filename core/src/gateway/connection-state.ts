/**
 * Connection state of devices (`connectionState`, `connectionStateUpdatedTime`, `lastActivityTime`
 * in the identity and twin, service-api.md §3.1). These move with every connect and packet, so they
 * live in memory only: the record in the device table is replaced (which also drops its cached
 * twin document) but nothing is appended to the change feed or committed to the store. They reach
 * disk only when some other change of the device writes its record, and are reset to Disconnected
 * at start, since no connection survives a restart.
 */
import type { Clock } from '../ports/clock';
import type { DeviceTable } from '../registry/device-table';
import type { EmitGatewayEvent } from './gateway-events';
import { identityKey } from './gateway-events';

/** Reports what the gateway sees of connections; the hub keeps the registry fields and emits events. */
export interface ConnectionStateService {
  /** A connection of the identity became ready (CONNACK sent) and it had none before. */
  connected(deviceId: string, moduleId?: string): void;
  /** The identity's last connection ended. */
  disconnected(deviceId: string, moduleId?: string): void;
  /** The identity sent a packet; updates `lastActivityTime` at most once per second. */
  activity(deviceId: string, moduleId?: string): void;
}

/** Smallest gap between two `lastActivityTime` updates of one identity: a busy device costs no more. */
export const ACTIVITY_RESOLUTION_MS = 1000;

/** Creates the service and marks every device Disconnected. */
export function createConnectionState(deps: {
  table: DeviceTable;
  clock: Clock;
  emit: EmitGatewayEvent;
}): ConnectionStateService {
  const { table, clock } = deps;
  const lastActivity = new Map<string, number>();
  const iso = (ms: number) => new Date(ms).toISOString();

  // A record written while its device was connected says Connected; after a restart it is not.
  for (const rec of [...table.records()]) {
    if (rec.identity.connectionState !== 'Disconnected') {
      table.set({ ...rec, identity: { ...rec.identity, connectionState: 'Disconnected' } });
    }
  }

  const touch = (
    deviceId: string,
    moduleId: string | undefined,
    fields: { connectionState?: 'Connected' | 'Disconnected'; activity: boolean },
  ) => {
    const now = clock.now();
    if (fields.activity) lastActivity.set(identityKey(deviceId, moduleId), now);
    // Modules have no registry entry yet; their state is carried by the events only.
    if (moduleId !== undefined) return now;
    const rec = table.get(deviceId);
    if (!rec) return now;
    const identity = { ...rec.identity };
    if (fields.connectionState) {
      identity.connectionState = fields.connectionState;
      identity.connectionStateUpdatedTime = iso(now);
    }
    if (fields.activity) identity.lastActivityTime = iso(now);
    table.set({ ...rec, identity });
    return now;
  };

  const event = (deviceId: string, moduleId: string | undefined, at: number) => ({
    deviceId,
    ...(moduleId === undefined ? {} : { moduleId }),
    at: iso(at),
  });

  return {
    connected(deviceId, moduleId) {
      const at = touch(deviceId, moduleId, { connectionState: 'Connected', activity: true });
      deps.emit('deviceConnected', event(deviceId, moduleId, at));
    },
    disconnected(deviceId, moduleId) {
      const at = touch(deviceId, moduleId, { connectionState: 'Disconnected', activity: false });
      lastActivity.delete(identityKey(deviceId, moduleId));
      deps.emit('deviceDisconnected', event(deviceId, moduleId, at));
    },
    activity(deviceId, moduleId) {
      const last = lastActivity.get(identityKey(deviceId, moduleId));
      if (last !== undefined && clock.now() - last < ACTIVITY_RESOLUTION_MS) return;
      touch(deviceId, moduleId, { activity: true });
    },
  };
}
