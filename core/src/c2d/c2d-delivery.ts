import type { DeviceLink } from '../ports/device-link';
import type { Logger } from '../ports/logger';
import { type StoredC2dMessage, toC2dDelivery } from './c2d-message';
import type { C2dTimers } from './c2d-timers';
import { type DeviceQueue, removeMessage } from './device-queue';

/** What the delivery loop needs from the C2D service. */
export interface DeliveryLoopDeps {
  link: DeviceLink;
  timers: C2dTimers;
  logger: Logger;
  /** First retry delay; doubles per failed attempt up to 60 s. */
  retryDelayMs: number;
  /** Failed deliveries after which a message is dropped. */
  maxAttempts: number;
  counters: { delivered: number; deliveryFailures: number; deadLettered: number };
  /** False once the queue was dropped (device deleted) or the service closed. */
  isLive(q: DeviceQueue): boolean;
  /** Drops expired messages of the queue; returns how many. */
  expire(q: DeviceQueue): number;
  /** Stores the queue; resolves once durable. */
  persist(q: DeviceQueue): Promise<void>;
}

const MAX_RETRY_DELAY_MS = 60_000;

/**
 * Creates `pump(q)`: delivers the queue's messages through the link, one in flight per device
 * (QoS 1 in queue order), each removed only after the device's PUBACK. A call while the loop runs
 * makes it run once more; the returned promise settles when the loop stops (it never rejects).
 */
export function createDeliveryLoop(deps: DeliveryLoopDeps): (q: DeviceQueue) => Promise<void> {
  const { link, logger, counters } = deps;

  const pump = (q: DeviceQueue): Promise<void> => {
    if (q.pumping) {
      q.again = true;
      return q.pumping;
    }
    q.pumping = (async () => {
      try {
        do {
          q.again = false;
          await deliverAll(q);
        } while (q.again && deps.isLive(q));
      } catch (err) {
        logger.error('c2d delivery loop failed', { deviceId: q.deviceId, error: String(err) });
      } finally {
        q.pumping = undefined;
      }
    })();
    return q.pumping;
  };

  async function deliverAll(q: DeviceQueue): Promise<void> {
    while (deps.isLive(q)) {
      if (deps.expire(q) > 0) await deps.persist(q);
      const message = q.messages[0];
      if (!message || !link.acceptsC2d(q.deviceId)) return;
      const attempt = (q.attempts.get(message.sequenceNumber) ?? 0) + 1;
      q.attempts.set(message.sequenceNumber, attempt);
      try {
        await link.deliverC2d(toC2dDelivery(q.deviceId, message));
      } catch (err) {
        // A failure ends this pass, even if a poke arrived meanwhile: the retry timer or a later
        // connect/subscribe brings the next attempt, so a failing device is not hammered.
        q.again = false;
        await failed(q, message, attempt, err);
        return;
      }
      counters.delivered++;
      removeMessage(q, message.sequenceNumber);
      await deps.persist(q);
    }
  }

  async function failed(q: DeviceQueue, message: StoredC2dMessage, attempt: number, err: unknown) {
    counters.deliveryFailures++;
    const fields = { deviceId: q.deviceId, messageId: message.messageId, attempt, error: String(err) };
    if (attempt >= deps.maxAttempts) {
      logger.warn('c2d message dropped after repeated failed deliveries', fields);
      counters.deadLettered++;
      removeMessage(q, message.sequenceNumber);
      await deps.persist(q);
      q.again = true; // go on with the next message
      return;
    }
    logger.warn('c2d delivery failed; will retry', fields);
    if (q.cancelRetry || !deps.isLive(q)) return;
    const delay = Math.min(deps.retryDelayMs * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
    q.cancelRetry = deps.timers.set(() => {
      q.cancelRetry = undefined;
      void pump(q);
    }, delay);
  }

  return pump;
}
