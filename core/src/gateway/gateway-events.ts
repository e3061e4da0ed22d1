/**
 * Events about live device connections. They are facts of the moment, not records: they go on
 * the hub's event bus but never into the change feed (a reconnect storm must not grow the feed).
 */

/** A device (or module) connection that started or ended. */
export interface ConnectionEvent {
  deviceId: string;
  moduleId?: string;
  /** ISO-8601 UTC time of the change. */
  at: string;
}

/** The subscriptions a device (or module) asked for changed (device-protocol.md §5 item 5). */
export interface SubscriptionsEvent {
  deviceId: string;
  moduleId?: string;
  desired: boolean;
  methods: boolean;
  c2d: boolean;
}

/** The gateway's events, by name: past-tense facts like the change kinds. */
export interface GatewayEvents {
  deviceConnected: ConnectionEvent;
  deviceDisconnected: ConnectionEvent;
  deviceSubscriptionsChanged: SubscriptionsEvent;
}

/** Emits one gateway event (the hub's event bus, narrowed to these names). */
export type EmitGatewayEvent = <K extends keyof GatewayEvents>(name: K, payload: GatewayEvents[K]) => void;

/** The key of an identity in gateway maps and stored documents: `device` or `device/module`. */
export function identityKey(deviceId: string, moduleId?: string): string {
  // Ids cannot contain `/` (registry/device-id.ts), so the key is unambiguous.
  return moduleId === undefined ? deviceId : `${deviceId}/${moduleId}`;
}
