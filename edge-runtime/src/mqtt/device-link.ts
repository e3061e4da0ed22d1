/**
 * The hub's DeviceLink (core/src/ports/device-link.ts) over the gateway's connections: a device
 * "accepts" methods or C2D while it has a ready connection and its stored intent says it
 * subscribed, whichever connection did the subscribing (the SDK does not re-subscribe, §1.5).
 */
import { type DeviceLink, HubError, type SubscriptionIntents } from '@outpost/core';
import type { C2dDeliveries } from './c2d-deliveries';
import type { MethodCalls } from './method-calls';
import type { SessionRegistry } from './sessions';

/** Builds the link; `intents` is undefined until the hub is attached. */
export function createDeviceLink(deps: {
  sessions: SessionRegistry;
  methods: MethodCalls;
  c2d: C2dDeliveries;
  intents: () => SubscriptionIntents | undefined;
}): DeviceLink {
  const { sessions } = deps;
  // The newest ready connection: during a takeover the old one is about to close.
  const clientOf = (deviceId: string, moduleId?: string) => sessions.clients(deviceId, moduleId).at(-1);
  const offline = (deviceId: string, what: string) =>
    new HubError(
      'DEVICE_NOT_ONLINE',
      `Device ${deviceId} is not connected or has not subscribed to ${what}.`,
      {
        deviceId,
      },
    );

  const link: DeviceLink = {
    isConnected: (deviceId, moduleId) => clientOf(deviceId, moduleId) !== undefined,
    acceptsMethods: (deviceId, moduleId) =>
      link.isConnected(deviceId, moduleId) && deps.intents()?.get(deviceId, moduleId).methods === true,
    async invokeMethod(request) {
      const client = clientOf(request.deviceId, request.moduleId);
      if (!client || !link.acceptsMethods(request.deviceId, request.moduleId)) {
        throw offline(request.deviceId, 'direct methods');
      }
      return deps.methods.invoke(client, sessions.session(client)!.key, request);
    },
    acceptsC2d: (deviceId) => link.isConnected(deviceId) && deps.intents()?.get(deviceId).c2d === true,
    async deliverC2d(message) {
      const client = clientOf(message.deviceId);
      if (!client || !link.acceptsC2d(message.deviceId))
        throw offline(message.deviceId, 'cloud-to-device messages');
      return deps.c2d.deliver(client, message);
    },
  };
  return link;
}
