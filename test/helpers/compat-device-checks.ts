/**
 * One service-side action per device feature, each returning what the device and the hub saw, for
 * the compat tests to assert on: desired patch, direct method, C2D and reported properties.
 */
import type { Message } from 'azure-iot-device';
import type { HubApi } from './compat-device-hub';
import { ECHO_METHOD, type SdkDevice } from './compat-device-sdk';

let counter = 0;

/** PATCHes the desired properties (service REST) and resolves with the delta the SDK fired. */
export async function desiredRoundTrip(
  api: HubApi,
  device: SdkDevice,
  timeoutMs = 20_000,
): Promise<{ status: number; marker: number; delta: Record<string, unknown> }> {
  const marker = Date.now() * 1000 + (++counter % 1000);
  const arrived = device.desired.next((d) => d.marker === marker, `desired marker ${marker}`, timeoutMs);
  const res = await api.call(
    'PATCH',
    `/twins/${device.deviceId}`,
    { properties: { desired: { marker } } },
    { 'if-match': '*' },
  );
  if (res.status !== 200) {
    arrived.catch(() => undefined);
    return { status: res.status, marker, delta: {} };
  }
  return { status: res.status, marker, delta: await arrived };
}

/** Invokes the device's echo method (`POST /twins/{id}/methods`); `connectTimeoutInSeconds` covers reconnects. */
export async function invokeEcho(
  api: HubApi,
  deviceId: string,
  payload: unknown,
  connectTimeoutInSeconds = 30,
): Promise<{ status: number; json: unknown }> {
  const res = await api.call('POST', `/twins/${deviceId}/methods`, {
    methodName: ECHO_METHOD,
    payload,
    connectTimeoutInSeconds,
    responseTimeoutInSeconds: 30,
  });
  return { status: res.status, json: res.json };
}

/** Queues a C2D message (`POST /api/v1/devices/{id}/messages`) and resolves with what the SDK received. */
export async function c2dRoundTrip(
  api: HubApi,
  device: SdkDevice,
  timeoutMs = 20_000,
): Promise<{ status: number; messageId: string; received?: Message }> {
  const messageId = `c2d-${device.deviceId}-${++counter}`;
  const arrived = device.messages.next((m) => m.messageId === messageId, `C2D ${messageId}`, timeoutMs);
  const res = await api.call('POST', `/api/v1/devices/${device.deviceId}/messages`, {
    body: JSON.stringify({ led: 'on', n: counter }),
    contentType: 'application/json',
    messageId,
    properties: { color: 'blue', 'with space': 'a&b=c/d' },
  });
  if (res.status !== 202) {
    arrived.catch(() => undefined);
    return { status: res.status, messageId };
  }
  return { status: res.status, messageId, received: await arrived };
}

/** Reports `patch` through the SDK and resolves with the reported section the service API shows. */
export async function reportedRoundTrip(
  api: HubApi,
  device: SdkDevice,
  patch: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  await device.report(patch);
  const res = await api.call('GET', `/twins/${device.deviceId}`);
  return (res.json as { properties: { reported: Record<string, unknown> } }).properties.reported;
}

/** The app properties of a received C2D message, as a plain object. */
export function propertiesOf(message: Message): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < message.properties.count(); i++) {
    const item = message.properties.getItem(i);
    out[item.key] = item.value;
  }
  return out;
}
