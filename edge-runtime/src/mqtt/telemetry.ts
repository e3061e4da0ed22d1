/**
 * Device-to-cloud telemetry as the gateway hands it on (device-protocol.md §2.2), and the
 * in-memory sink the runtime uses until the durable outbox replaces it.
 */
import {
  appendToPropertyBag,
  type PropertyBag,
  type RawTelemetryMessage,
  type TelemetryMessage,
  type TelemetrySink,
} from '@outpost/core';
import type { Session } from './sessions';

/**
 * Largest telemetry body: IoT Hub's D2C limit of 256 KB (§2.1, §4). The SDK checks only the body,
 * so the property bag does not count. Larger messages close the connection, as IoT Hub does: an
 * MQTT 3.1.1 PUBACK cannot say no (§2.2).
 */
export const MAX_TELEMETRY_BYTES = 256 * 1024;

let isoMs = Number.NaN;
let isoText = '';

/** `new Date(now).toISOString()`, reusing the last one: most messages arrive in the same millisecond as another. */
function isoTime(now: number): string {
  if (now !== isoMs) {
    isoText = new Date(now).toISOString();
    isoMs = now;
  }
  return isoText;
}

/**
 * Builds the message the sink receives. It takes over `bag`'s objects (no copies, this runs for
 * every message): the caller must not use them afterwards.
 */
export function toTelemetryMessage(
  session: Session,
  bag: PropertyBag,
  body: Buffer,
  now: number,
  retain: boolean,
): TelemetryMessage {
  const properties = bag.properties;
  // IoT Hub keeps no retained messages: it passes the flag on as a property instead (§2.2).
  if (retain) properties['mqtt-retain'] = 'true';
  const message: TelemetryMessage = {
    deviceId: session.deviceId,
    enqueuedTime: isoTime(now),
    systemProperties: bag.systemProperties,
    properties,
    body,
  };
  if (session.moduleId !== undefined) message.moduleId = session.moduleId;
  return message;
}

/** Builds the message a sink with `appendRaw` receives: the property bag stays as the device sent it. */
export function toRawTelemetryMessage(
  session: Session,
  bag: string,
  body: Buffer,
  now: number,
  retain: boolean,
): RawTelemetryMessage {
  const message: RawTelemetryMessage = {
    deviceId: session.deviceId,
    enqueuedTime: isoTime(now),
    // IoT Hub keeps no retained messages: it passes the flag on as a property instead (§2.2).
    propertyBag: retain ? appendToPropertyBag(bag, 'mqtt-retain', 'true') : bag,
    body,
  };
  if (session.moduleId !== undefined) message.moduleId = session.moduleId;
  return message;
}

/** A sink that keeps the last `limit` messages in memory: no durability, for development and tests. */
export interface MemoryTelemetrySink extends TelemetrySink {
  /** The kept messages, oldest first. */
  messages(): readonly TelemetryMessage[];
}

/** Creates a memory sink keeping the last `limit` messages (default 1000). */
export function createMemoryTelemetrySink(limit = 1000): MemoryTelemetrySink {
  const kept: TelemetryMessage[] = [];
  return {
    async append(message) {
      kept.push(message);
      if (kept.length > limit) kept.splice(0, kept.length - limit);
    },
    messages: () => kept,
  };
}
