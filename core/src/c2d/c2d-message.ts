import type { C2dDelivery } from '../ports/device-link';
import type { C2dInput } from './c2d-input';

/** Name of the store collection holding one queue document per device. */
export const C2D = 'c2d';

/** A queued cloud-to-device message as stored. */
export interface StoredC2dMessage {
  /** Per-device, increasing; identifies the message inside the queue (message ids may repeat). */
  sequenceNumber: number;
  messageId: string;
  correlationId?: string;
  contentType?: string;
  contentEncoding?: string;
  /** ISO-8601 UTC. */
  enqueuedTimeUtc: string;
  /** ISO-8601 UTC; the message is dropped, undelivered, after this. */
  expiryTimeUtc: string;
  /** Application properties. */
  properties: Record<string, string>;
  /** The body, base64. */
  body: string;
}

/** The stored document of one device's queue (collection `c2d`, id = deviceId). */
export interface C2dQueueDoc {
  deviceId: string;
  nextSequence: number;
  messages: StoredC2dMessage[];
}

/** A queued message as the API shows it. */
export interface C2dMessageView extends Omit<StoredC2dMessage, 'body'> {
  /** UTF-8 text when the body is valid UTF-8, base64 otherwise (see `bodyEncoding`). */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  /** Delivery attempts since the hub started. */
  deliveryCount: number;
}

/** What `send` answers once the message is durably queued. */
export interface C2dEnqueued {
  deviceId: string;
  messageId: string;
  sequenceNumber: number;
  enqueuedTimeUtc: string;
  expiryTimeUtc: string;
}

/** The stored form of a validated message; without an expiry it lives `defaultTtlMs`. */
export function storedC2dMessage(
  input: C2dInput,
  fields: { sequenceNumber: number; messageId: string; now: number; defaultTtlMs: number },
): StoredC2dMessage {
  return {
    sequenceNumber: fields.sequenceNumber,
    messageId: fields.messageId,
    ...(input.correlationId !== undefined ? { correlationId: input.correlationId } : {}),
    ...(input.contentType !== undefined ? { contentType: input.contentType } : {}),
    ...(input.contentEncoding !== undefined ? { contentEncoding: input.contentEncoding } : {}),
    enqueuedTimeUtc: new Date(fields.now).toISOString(),
    expiryTimeUtc: new Date(input.expiresAt ?? fields.now + fields.defaultTtlMs).toISOString(),
    properties: input.properties,
    body: input.body.toString('base64'),
  };
}

/** The link-level delivery of a queued message: system properties first, as IoT Hub orders them, then the app's. */
export function toC2dDelivery(deviceId: string, message: StoredC2dMessage): C2dDelivery {
  const system: Record<string, string> = {
    '$.mid': message.messageId,
    '$.to': `/devices/${deviceId}/messages/devicebound`,
    '$.exp': message.expiryTimeUtc,
  };
  if (message.correlationId !== undefined) system['$.cid'] = message.correlationId;
  if (message.contentType !== undefined) system['$.ct'] = message.contentType;
  if (message.contentEncoding !== undefined) system['$.ce'] = message.contentEncoding;
  return {
    deviceId,
    properties: { ...system, ...message.properties },
    body: Buffer.from(message.body, 'base64'),
  };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The API view of a stored message. */
export function toC2dView(message: StoredC2dMessage, deliveryCount: number): C2dMessageView {
  const bytes = Buffer.from(message.body, 'base64');
  let body: string;
  let bodyEncoding: C2dMessageView['bodyEncoding'] = 'utf8';
  try {
    body = strictUtf8.decode(bytes);
  } catch {
    body = message.body;
    bodyEncoding = 'base64';
  }
  return { ...message, body, bodyEncoding, deliveryCount };
}
