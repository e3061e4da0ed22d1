import type { DeviceIdentity } from '@outpost/core';
import { HubApiError, type HubClient } from './http';

/** What the "add one device" form sends. */
export interface NewDevice {
  deviceId: string;
  authType: 'sas' | 'selfSigned';
  primaryThumbprint?: string;
  secondaryThumbprint?: string;
  tags?: Record<string, unknown>;
  iotEdge: boolean;
}

interface BulkError {
  deviceId: string;
  errorCode: string;
  errorStatus: string;
}

/**
 * Creates one device with its tags in one step: a one-entry bulk request (`POST /devices`,
 * importMode create), because `PUT /devices/{id}` takes no tags and a second twin PATCH could
 * leave a device without them. A refused entry comes back as a HubApiError naming the reason.
 */
export async function createDevice(client: HubClient, input: NewDevice): Promise<DeviceIdentity> {
  const authentication =
    input.authType === 'sas'
      ? { type: 'sas' }
      : {
          type: 'selfSigned',
          x509Thumbprint: {
            primaryThumbprint: input.primaryThumbprint || null,
            secondaryThumbprint: input.secondaryThumbprint || null,
          },
        };
  const entry = {
    id: input.deviceId,
    importMode: 'create',
    authentication,
    capabilities: { iotEdge: input.iotEdge },
    ...(input.tags ? { tags: input.tags } : {}),
  };
  try {
    await client.post('/devices', [entry]);
  } catch (err) {
    // The bulk answer is {isSuccessful, errors: [{errorCode, errorStatus}]}, not an IoT Hub error body.
    if (err instanceof HubApiError && err.status === 400) {
      const first = bulkErrorOf(err.message);
      if (first) throw new HubApiError(400, first.errorCode, first.errorStatus);
    }
    throw err;
  }
  return client.get<DeviceIdentity>(`/devices/${encodeURIComponent(input.deviceId)}`);
}

function bulkErrorOf(text: string): BulkError | undefined {
  try {
    return (JSON.parse(text) as { errors?: BulkError[] }).errors?.[0];
  } catch {
    return undefined;
  }
}

/** The device connection string (primary key); the hub reveals it to operators only. */
export async function fetchConnectionString(client: HubClient, deviceId: string): Promise<string> {
  const res = await client.get<{ connectionString: string }>(
    `/api/v1/devices/${encodeURIComponent(deviceId)}/connection-string`,
  );
  return res.connectionString;
}
