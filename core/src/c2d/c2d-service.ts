import { randomUUID } from 'node:crypto';
import { HubError } from '../errors';
import type { EventBus } from '../events/event-bus';
import { noGatewayLink } from '../gateway/no-gateway-link';
import { type Clock, systemClock } from '../ports/clock';
import type { DeviceLink } from '../ports/device-link';
import { type Logger, silentLogger } from '../ports/logger';
import type { StorePort } from '../ports/store';
import type { DeviceTable } from '../registry/device-table';
import { createDeliveryLoop } from './c2d-delivery';
import { type C2dEvents, listenToHubEvents } from './c2d-events';
import { parseC2dInput } from './c2d-input';
import {
  C2D,
  type C2dEnqueued,
  type C2dMessageView,
  type C2dQueueDoc,
  storedC2dMessage,
  toC2dView,
} from './c2d-message';
import { type C2dTimers, systemC2dTimers } from './c2d-timers';
import { type DeviceQueue, dropExpired, newDeviceQueue, queueDoc, removeMessage } from './device-queue';

/** Cloud-to-device messages: per-device durable queues, delivered at QoS 1 through the DeviceLink. */
export interface C2dService {
  /** Validates and queues a message; resolves once it is durable. QUEUE_FULL at the per-device limit. */
  send(deviceId: string, input: unknown): Promise<C2dEnqueued>;
  /** The messages queued for a device, oldest first (expired ones are dropped first). */
  list(deviceId: string): Promise<C2dMessageView[]>;
  /** Drops every queued message of a device; resolves with how many, once durable. */
  purge(deviceId: string): Promise<number>;
  /** Delivers what is queued for the device if the link accepts C2D for it (run on connect and subscribe events). */
  deliverQueued(deviceId: string): Promise<void>;
  /** Forgets a deleted device's queue (run on deviceDeleted). */
  deviceDeleted(deviceId: string): Promise<void>;
  /** Drops expired messages of every device; resolves with how many. */
  sweepExpired(): Promise<number>;
  stats(): C2dStats;
  /** Stops timers and further deliveries. */
  close(): void;
}

/** Counters since the hub started, and the current total. */
export interface C2dStats {
  queued: number;
  sent: number;
  delivered: number;
  expired: number;
  purged: number;
  deliveryFailures: number;
  /** Dropped after `maxDeliveryAttempts` failed deliveries. */
  deadLettered: number;
}

/** What the C2D service is built from. */
export interface C2dServiceDeps {
  store: StorePort;
  table: DeviceTable;
  /** Deliveries go through it (the MQTT gateway's); default: no device is ever reachable. */
  link?: DeviceLink;
  /** The hub's event bus; without one, deliveries start only on send and `deliverQueued`. */
  events?: EventBus<C2dEvents>;
  /** The `c2d` collection as loaded from the store. */
  initial?: ReadonlyMap<string, unknown>;
  clock?: Clock;
  logger?: Logger;
  timers?: C2dTimers;
  newMessageId?: () => string;
  /** IoT Hub's limit of queued messages per device. Default 50. */
  maxQueued?: number;
  /** [LOCAL] default time to live when the sender gives no expiry. Default 1 h. */
  defaultTtlMs?: number;
  /** First retry delay after a failed delivery; doubles per attempt up to 60 s. Default 2 s. */
  retryDelayMs?: number;
  /** [LOCAL] failed deliveries after which a message is dropped (IoT Hub's default maxDeliveryCount is 10). */
  maxDeliveryAttempts?: number;
  /** How often expired messages are swept; 0 turns the sweep off. Default 60 s. */
  sweepIntervalMs?: number;
}

/** Builds the service over the loaded `c2d` collection; removes queues of devices that no longer exist. */
export async function createC2dService(deps: C2dServiceDeps): Promise<C2dService> {
  const { store, table } = deps;
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? silentLogger;
  const timers = deps.timers ?? systemC2dTimers;
  const newMessageId = deps.newMessageId ?? randomUUID;
  const maxQueued = deps.maxQueued ?? 50;
  const defaultTtlMs = deps.defaultTtlMs ?? 3_600_000;
  const retryDelayMs = deps.retryDelayMs ?? 2_000;
  const maxAttempts = deps.maxDeliveryAttempts ?? 10;
  const sweepIntervalMs = deps.sweepIntervalMs ?? 60_000;
  const counters = { sent: 0, delivered: 0, expired: 0, purged: 0, deliveryFailures: 0, deadLettered: 0 };
  const queues = new Map<string, DeviceQueue>();
  const link: DeviceLink = deps.link ?? noGatewayLink;
  let closed = false;
  let cancelSweep: (() => void) | undefined;

  const orphans: string[] = [];
  for (const [id, raw] of deps.initial ?? []) {
    const doc = raw as C2dQueueDoc;
    if (table.has(id)) queues.set(id, newDeviceQueue(id, doc));
    else orphans.push(id);
  }
  for (const rec of table.records())
    setCount(rec.identity.deviceId, queues.get(rec.identity.deviceId)?.messages.length ?? 0);
  // A crash between a device's deletion and its queue's removal leaves the queue behind.
  if (orphans.length)
    await store.commit({ writes: orphans.map((id) => ({ collection: C2D, id, doc: null })) });

  function setCount(deviceId: string, count: number): void {
    const rec = table.get(deviceId);
    if (!rec || rec.identity.cloudToDeviceMessageCount === count) return;
    // A new record, not a mutation: it drops the cached twin document, which carries the count too.
    // Like the connection state, the count is derived: rebuilt from the queues at every start.
    table.set({ ...rec, identity: { ...rec.identity, cloudToDeviceMessageCount: count } });
  }

  function mustExist(deviceId: string): void {
    if (!table.has(deviceId)) {
      throw new HubError('DEVICE_NOT_FOUND', `Device ${deviceId} is not registered.`, { deviceId });
    }
  }

  async function persist(q: DeviceQueue): Promise<void> {
    if (queues.get(q.deviceId) !== q) return; // deleted meanwhile
    setCount(q.deviceId, q.messages.length);
    await store.commit({ writes: [{ collection: C2D, id: q.deviceId, doc: queueDoc(q) }] });
  }

  function expire(q: DeviceQueue): number {
    const dropped = dropExpired(q, clock.now());
    if (dropped > 0) {
      counters.expired += dropped;
      logger.info('c2d messages expired', { deviceId: q.deviceId, count: dropped });
    }
    return dropped;
  }

  const pump = createDeliveryLoop({
    link,
    timers,
    logger,
    retryDelayMs,
    maxAttempts,
    counters,
    isLive: (q) => !closed && queues.get(q.deviceId) === q,
    expire,
    persist,
  });

  function scheduleSweep(): void {
    if (sweepIntervalMs <= 0 || closed) return;
    cancelSweep = timers.set(() => {
      void service
        .sweepExpired()
        .catch((err) => logger.error('c2d expiry sweep failed', { error: String(err) }))
        .finally(scheduleSweep);
    }, sweepIntervalMs);
  }

  const service: C2dService = {
    async send(deviceId, input) {
      mustExist(deviceId);
      const now = clock.now();
      const parsed = parseC2dInput(input, now);
      let q = queues.get(deviceId);
      if (!q) {
        q = newDeviceQueue(deviceId);
        queues.set(deviceId, q);
      }
      if (expire(q) > 0) await persist(q);
      if (q.messages.length >= maxQueued) {
        throw new HubError(
          'QUEUE_FULL',
          `Device ${deviceId} already has ${q.messages.length} cloud-to-device messages queued, the maximum.`,
          { deviceId, maxQueued },
        );
      }
      const message = storedC2dMessage(parsed, {
        sequenceNumber: q.nextSequence++,
        messageId: parsed.messageId ?? newMessageId(),
        now,
        defaultTtlMs,
      });
      q.messages.push(message);
      try {
        await persist(q);
      } catch (err) {
        removeMessage(q, message.sequenceNumber);
        setCount(deviceId, q.messages.length);
        throw err;
      }
      counters.sent++;
      void pump(q);
      const { messageId, sequenceNumber, enqueuedTimeUtc, expiryTimeUtc } = message;
      return { deviceId, messageId, sequenceNumber, enqueuedTimeUtc, expiryTimeUtc };
    },

    async list(deviceId) {
      mustExist(deviceId);
      const q = queues.get(deviceId);
      if (!q) return [];
      if (expire(q) > 0) await persist(q);
      return q.messages.map((m) => toC2dView(m, q.attempts.get(m.sequenceNumber) ?? 0));
    },

    async purge(deviceId) {
      mustExist(deviceId);
      const q = queues.get(deviceId);
      if (!q || q.messages.length === 0) return 0;
      const count = q.messages.length;
      q.messages = [];
      q.attempts.clear();
      await persist(q);
      counters.purged += count;
      return count;
    },

    deliverQueued(deviceId) {
      const q = queues.get(deviceId);
      return q && q.messages.length > 0 ? pump(q) : Promise.resolve();
    },

    async deviceDeleted(deviceId) {
      const q = queues.get(deviceId);
      if (!q) return;
      q.cancelRetry?.();
      queues.delete(deviceId);
      await store.commit({ writes: [{ collection: C2D, id: deviceId, doc: null }] });
    },

    async sweepExpired() {
      let total = 0;
      for (const q of queues.values()) {
        const dropped = expire(q);
        total += dropped;
        if (dropped > 0) await persist(q);
      }
      return total;
    },

    stats() {
      let queued = 0;
      for (const q of queues.values()) queued += q.messages.length;
      return { queued, ...counters };
    },

    close() {
      closed = true;
      cancelSweep?.();
      for (const q of queues.values()) q.cancelRetry?.();
    },
  };
  if (deps.events) listenToHubEvents(service, deps.events, logger);
  scheduleSweep();
  return service;
}
