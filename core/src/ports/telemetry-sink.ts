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

/** A {@link TelemetryMessage} whose property bag is not parsed yet. */
export interface RawTelemetryMessage {
  deviceId: string;
  moduleId?: string;
  enqueuedTime: string;
  /** The topic's property bag as the device sent it (device-protocol.md §2.2), still encoded. */
  propertyBag: string;
  body: Buffer;
}

/**
 * Where telemetry goes: the durable outbound queue. The gateway acknowledges a message
 * (PUBACK) only after `append` resolved, so an acknowledged message survives a crash.
 */
export interface TelemetrySink {
  append(message: TelemetryMessage): Promise<void>;
  /**
   * Optional fast path: the same message with its property bag still raw (`parsePropertyBag` of
   * `propertyBag` gives its systemProperties and properties). A sink that stores the bag as it is
   * and parses it only when read saves the parse per message; without it the gateway parses.
   */
  appendRaw?(message: RawTelemetryMessage): Promise<void>;
}
