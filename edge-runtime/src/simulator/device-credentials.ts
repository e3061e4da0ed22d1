/** The CONNECT identity of a simulated device, built as azure-iot-device builds it (device-protocol.md §1.3, §1.4). */
import os from 'node:os';
import { createSasToken, strictUrlEncode } from '@outpost/core';

/** The api-version the SDK puts in the username (§1.3). */
export const DEVICE_API_VERSION = '2021-04-12';

/** What the simulator appends to the SDK user agent, as an app's `productInfo` would be (§1.3). */
export const SIMULATOR_PRODUCT_INFO = 'outpost-simulator/0.1.0';

/** `azure-iot-device/<v> (node <v>; <os>; <arch>)<productInfo>`: the SDK's user-agent shape (§1.3). */
export function defaultUserAgent(productInfo = SIMULATOR_PRODUCT_INFO): string {
  // The SDK writes the product info straight after `)`, with no space (azure-iot-device `getUserAgentString`).
  return `azure-iot-device/1.18.4 (node ${process.version}; ${os.type()} ${os.release()}; ${os.arch()})${productInfo}`;
}

/** `{host}/{deviceId}/?api-version=…&DeviceClientType=…`; the id is not escaped, the agent is (§1.3). */
export function deviceUsername(hostName: string, deviceId: string, userAgent: string): string {
  return `${hostName}/${deviceId}/?api-version=${DEVICE_API_VERSION}&DeviceClientType=${encodeURIComponent(userAgent)}`;
}

/** Input of {@link createDeviceSasToken}. */
export interface DeviceSasOptions {
  /** The connection-string HostName, never the gateway (§1.4 step 1). */
  hostName: string;
  deviceId: string;
  /** The base64 key: the device's own, or a DeviceConnect policy's when `policyName` is set. */
  key: string;
  /** Sign with a hub policy key (adds `skn`); `sr` still names the device (§1.4 step 6). */
  policyName?: string;
  /** Expiry in whole seconds since the Unix epoch. */
  expiresAt: number;
}

/** `SharedAccessSignature sr=<strictEncode(host/devices/id)>&sig=…[&skn=…]&se=…`, byte for byte as the SDK (§1.4). */
export function createDeviceSasToken(options: DeviceSasOptions): string {
  const resourceUri = strictUrlEncode(`${options.hostName}/devices/${options.deviceId}`);
  return createSasToken({
    resourceUri,
    key: options.key,
    expiresAt: options.expiresAt,
    ...(options.policyName === undefined ? {} : { policyName: options.policyName }),
  });
}
