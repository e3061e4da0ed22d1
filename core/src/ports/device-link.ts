/** A direct-method request as it goes to a device (device-protocol.md §2.7). */
export interface MethodRequest {
  deviceId: string;
  moduleId?: string;
  methodName: string;
  /** JSON value; `null` when the invoker gave none (the SDK answers 400 to an empty body). */
  payload: unknown;
  /** How long to wait for the device's answer, in ms. */
  timeoutMs: number;
}

/** The device's answer to a direct method. */
export interface MethodResponse {
  status: number;
  payload: unknown;
}

/** A cloud-to-device message as it goes to a device (device-protocol.md §2.3). */
export interface C2dDelivery {
  deviceId: string;
  /** Application and system properties (`$.mid`, `$.ct`, …), percent-encoded by the link. */
  properties: Record<string, string>;
  body: Buffer;
}

/**
 * The link from core to connected devices, implemented by the MQTT gateway. Core decides
 * what to send; the link knows connections, topics and packets.
 */
export interface DeviceLink {
  /** True when the device has a live connection. */
  isConnected(deviceId: string, moduleId?: string): boolean;
  /** True when the device is connected and subscribed to direct methods. */
  acceptsMethods(deviceId: string, moduleId?: string): boolean;
  /** Sends a method request and resolves with the answer; rejects with HubError GATEWAY_TIMEOUT or DEVICE_NOT_ONLINE. */
  invokeMethod(request: MethodRequest): Promise<MethodResponse>;
  /** True when the device is connected and subscribed to cloud-to-device messages. */
  acceptsC2d(deviceId: string): boolean;
  /** Publishes a C2D message at QoS 1; resolves when the device acknowledged it (PUBACK). */
  deliverC2d(message: C2dDelivery): Promise<void>;
}
