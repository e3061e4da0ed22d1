import type { C2dQueueDoc, StoredC2dMessage } from './c2d-message';

/** One device's C2D queue in memory: the stored messages plus delivery state that is never stored. */
export interface DeviceQueue {
  deviceId: string;
  nextSequence: number;
  messages: StoredC2dMessage[];
  /** Delivery attempts per sequence number; in memory only, so a restart grants fresh attempts. */
  attempts: Map<number, number>;
  /** The running delivery loop, if any (one message in flight per device). */
  pumping?: Promise<void>;
  /** Set when a delivery was asked for while the loop ran: it runs once more. */
  again: boolean;
  cancelRetry?: () => void;
}

/** A queue for `deviceId`, empty or as stored. */
export function newDeviceQueue(deviceId: string, doc?: C2dQueueDoc): DeviceQueue {
  return {
    deviceId,
    nextSequence: doc?.nextSequence ?? 1,
    messages: doc ? [...doc.messages] : [],
    attempts: new Map(),
    again: false,
  };
}

/** The document to store; a fresh array, so later changes to the queue do not leak into a pending commit. */
export function queueDoc(q: DeviceQueue): C2dQueueDoc {
  return { deviceId: q.deviceId, nextSequence: q.nextSequence, messages: [...q.messages] };
}

/** Removes the messages whose expiry is at or before `now`; returns how many. */
export function dropExpired(q: DeviceQueue, now: number): number {
  const before = q.messages.length;
  q.messages = q.messages.filter((m) => Date.parse(m.expiryTimeUtc) > now);
  return before - q.messages.length;
}

/** Removes one message (by sequence number, as message ids may repeat) and its attempt count. */
export function removeMessage(q: DeviceQueue, sequenceNumber: number): void {
  q.messages = q.messages.filter((m) => m.sequenceNumber !== sequenceNumber);
  q.attempts.delete(sequenceNumber);
}
