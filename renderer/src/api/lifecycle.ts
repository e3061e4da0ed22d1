import type { ArchivedDevice, DeviceIdentity, Replacement, TwinDocument } from '@outpost/core';
import type { HubClient } from './http';
import { queryRows, quoteQueryString } from './twin-query';

/**
 * Retiring devices (`/api/v1/devices/{id}/…`, edge-runtime/src/http/routes/fleet-lifecycle.ts):
 * every step is one audited registry change made as the signed-in operator.
 */

const device = (id: string) => `/api/v1/devices/${encodeURIComponent(id)}`;

/** Devices whose id contains `text` (case-sensitive), at most `max`, as twins. */
export async function searchDevices(
  client: HubClient,
  text: string,
  max = 20,
  signal?: AbortSignal,
): Promise<{ rows: TwinDocument[]; truncated: boolean }> {
  const where = text.trim() === '' ? '' : ` WHERE CONTAINS(deviceId, ${quoteQueryString(text.trim())})`;
  return queryRows<TwinDocument>(client, `SELECT * FROM devices${where}`, {
    maxRows: max,
    pageSize: max,
    ...(signal ? { signal } : {}),
  });
}

/** The twin of one device. */
export function fetchTwin(client: HubClient, id: string, signal?: AbortSignal): Promise<TwinDocument> {
  return client.get<TwinDocument>(`/twins/${encodeURIComponent(id)}`, undefined, signal);
}

/** Disables a device: it can no longer connect; its twin and keys are kept. */
export function disableDevice(client: HubClient, id: string, reason: string): Promise<DeviceIdentity> {
  return client.post<DeviceIdentity>(`${device(id)}/disable`, reason ? { reason } : {});
}

/** Enables a disabled device again. */
export function enableDevice(client: HubClient, id: string): Promise<DeviceIdentity> {
  return client.post<DeviceIdentity>(`${device(id)}/enable`);
}

/** New SAS keys: the old ones (and connection strings built from them) stop working at once. */
export function rotateKeys(client: HubClient, id: string): Promise<DeviceIdentity> {
  return client.post<DeviceIdentity>(`${device(id)}/rotate-keys`);
}

/** Revokes every credential (authentication `none`) until keys are rotated in again. */
export function revokeCredentials(client: HubClient, id: string): Promise<DeviceIdentity> {
  return client.post<DeviceIdentity>(`${device(id)}/revoke`);
}

/** Creates `newDeviceId` with the old device's tags and desired properties; disables the old one. */
export function replaceDevice(client: HubClient, id: string, newDeviceId: string): Promise<Replacement> {
  return client.post<Replacement>(`${device(id)}/replace`, { newDeviceId });
}

/** Deletes a device into the archive (identity without keys, twin as it was). */
export function archiveDevice(client: HubClient, id: string): Promise<ArchivedDevice> {
  return client.del<ArchivedDevice>(device(id), { query: { archive: 'true' } });
}

/** Archived (retired) devices, by id. */
export function listArchivedDevices(client: HubClient, signal?: AbortSignal): Promise<ArchivedDevice[]> {
  return client.get<ArchivedDevice[]>('/api/v1/archive/devices', undefined, signal);
}
