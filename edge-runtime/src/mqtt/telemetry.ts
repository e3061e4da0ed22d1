/**
 * Device-to-cloud telemetry as the gateway hands it on (device-protocol.md §2.2), and the
 * in-memory sink the runtime uses until the durable outbox replaces it.
 */
import type { PropertyBag, TelemetryMessage, TelemetrySink } from '@outpost/core';
import type { Session } from './sessions';

/**
 * Largest telemetry body: IoT Hub's D2C limit of 256 KB (§2.1, §4). The SDK checks only the body,
 * so the property bag does not count. Larger messages close the connection, as IoT Hub does: an
 * MQTT 3.1.1 PUBACK cannot say no (§2.2).
 */
export const MAX_TELEMETRY_BYTES = 256 * 1024;

/** Builds the message the sink receives. */
export function toTelemetryMessage(
  session: Session,
  bag: PropertyBag,
  body: Buffer,
  now: number,
  retain: boolean,
): TelemetryMessage {
  const properties = { ...bag.properties };
  // IoT Hub keeps no retained messages: it passes the flag on as a property instead (§2.2).
  if (retain) properties['mqtt-retain'] = 'true';
  return {
    deviceId: session.deviceId,
    ...(session.moduleId === undefined ? {} : { moduleId: session.moduleId }),
    enqueuedTime: new Date(now).toISOString(),
    systemProperties: { ...bag.systemProperties },
    properties,
    body,
  };
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
