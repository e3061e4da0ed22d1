import type { Change } from '../contracts/change';
import type { EventBus } from '../events/event-bus';
import type { GatewayEvents } from '../gateway/gateway-events';
import type { Logger } from '../ports/logger';

/** The hub events the C2D service reacts to: connects and C2D subscriptions deliver, deletions forget. */
export type C2dEvents = Pick<GatewayEvents, 'deviceConnected' | 'deviceSubscriptionsChanged'> & {
  deviceDeleted: Change;
};

/** What the listeners call on the service. */
interface C2dReactions {
  deliverQueued(deviceId: string): Promise<void>;
  deviceDeleted(deviceId: string): Promise<void>;
}

/** Subscribes the service to the hub's events. Modules have no C2D queue, so their events are ignored. */
export function listenToHubEvents(service: C2dReactions, events: EventBus<C2dEvents>, logger: Logger): void {
  // Deferred a turn: the gateway emits these from inside its own connect/subscribe handling.
  const deliverLater = (deviceId: string) => {
    void Promise.resolve().then(() => service.deliverQueued(deviceId));
  };
  events.on('deviceConnected', 'c2d', (e) => {
    if (e.moduleId === undefined) deliverLater(e.deviceId);
  });
  events.on('deviceSubscriptionsChanged', 'c2d', (e) => {
    if (e.moduleId === undefined && e.c2d) deliverLater(e.deviceId);
  });
  events.on('deviceDeleted', 'c2d', (change) => {
    service.deviceDeleted(change.id).catch((err: unknown) => {
      logger.error('forgetting a c2d queue failed', { deviceId: change.id, error: String(err) });
    });
  });
}
