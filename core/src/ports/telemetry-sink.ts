/** A device-to-cloud message as the hub received it (device-protocol.md §2.2). */
export interface TelemetryMessage {
  deviceId: string;
  moduleId?: string;
  /** ISO-8601 UTC time the hub received it. */
  enqueuedTime: string;
  /** System properties (`$.mid`, `$.ct`, …) with their `$.` keys, decoded. */
  systemProperties: Record<string, string>;
  /** Application properties, decoded. */
  properties: Record<string, string>;
  body: Buffer;
}

/**
 * Where telemetry goes: the durable outbound queue. The gateway acknowledges a message
 * (PUBACK) only after `append` resolved, so an acknowledged message survives a crash.
 */
export interface TelemetrySink {
  append(message: TelemetryMessage): Promise<void>;
}
