/**
 * Creates simulated devices in the registry through the REST API: bulk `POST /devices` in chunks of
 * 100 (service-api.md §2.1), reusing devices that already exist with the keys they have.
 */
import { generateSymmetricKey, MAX_BULK_DEVICES } from '@outpost/core';
import { forEachBounded } from './bounded-map';
import { describeRestError, type HubRestClient } from './hub-rest-client';

/** A device the simulator may connect as. */
export interface ProvisionedDevice {
  deviceId: string;
  /** The primary key: generated here for new devices, read back for existing ones. */
  key: string;
  /** False when the device already existed and was reused. */
  created: boolean;
}

/** A device that cannot be simulated, and why. */
export interface DeviceFailure {
  deviceId: string;
  stage: 'provision' | 'connect';
  message: string;
}

/** The outcome of {@link provisionDevices}. */
export interface ProvisionResult {
  devices: ProvisionedDevice[];
  failures: DeviceFailure[];
}

// Reading back existing devices is one GET each; a few in parallel keep the hub responsive.
const LOOKUP_CONCURRENCY = 16;

/** Creates or reuses every id; `onProgress` gets the number of ids settled so far. */
export async function provisionDevices(
  rest: HubRestClient,
  ids: readonly string[],
  onProgress: (settled: number, failed: number) => void = () => {},
): Promise<ProvisionResult> {
  const devices: ProvisionedDevice[] = [];
  const failures: DeviceFailure[] = [];
  const existing: string[] = [];
  let settled = 0;
  const progress = (n: number) => {
    settled += n;
    onProgress(settled, failures.length);
  };

  for (let i = 0; i < ids.length; i += MAX_BULK_DEVICES) {
    const chunk = ids.slice(i, i + MAX_BULK_DEVICES);
    const keys = new Map(chunk.map((id) => [id, generateSymmetricKey()]));
    const entries = chunk.map((id) => ({
      id,
      importMode: 'create',
      status: 'enabled',
      // Lets operators find (and clean up) simulated devices: SELECT * FROM devices WHERE tags.simulated = true.
      tags: { simulated: true },
      authentication: {
        type: 'sas',
        symmetricKey: { primaryKey: keys.get(id), secondaryKey: generateSymmetricKey() },
      },
    }));
    const response = await rest.request('POST', '/devices', entries);
    // 400 carries per-device errors; anything else (401, 413, 5xx) means the whole request failed.
    if (response.status !== 200 && response.status !== 400) {
      throw new Error(`Bulk device creation failed: ${describeRestError(response)}`);
    }
    const errors = bulkErrors(response.body);
    if (response.status === 400 && errors.length === 0) {
      throw new Error(`Bulk device creation failed: ${describeRestError(response)}`);
    }
    const failed = new Map(errors.map((e) => [e.deviceId, e]));
    let done = 0;
    for (const id of chunk) {
      const error = failed.get(id);
      if (!error) {
        devices.push({ deviceId: id, key: keys.get(id) as string, created: true });
        done++;
      } else if (error.errorCode === 'DeviceAlreadyExists') existing.push(id);
      else {
        failures.push({
          deviceId: id,
          stage: 'provision',
          message: `${error.errorCode}: ${error.errorStatus}`,
        });
        done++;
      }
    }
    progress(done);
  }

  await forEachBounded(existing, LOOKUP_CONCURRENCY, async (id) => {
    try {
      devices.push({ deviceId: id, key: await readExistingKey(rest, id), created: false });
    } catch (err) {
      failures.push({ deviceId: id, stage: 'provision', message: (err as Error).message });
    }
    progress(1);
  });
  // Keep the caller's order, so a fleet connects sim-00001 first however the lookups interleaved.
  const order = new Map(ids.map((id, index) => [id, index]));
  devices.sort((a, b) => (order.get(a.deviceId) ?? 0) - (order.get(b.deviceId) ?? 0));
  return { devices, failures };
}

async function readExistingKey(rest: HubRestClient, id: string): Promise<string> {
  const response = await rest.request('GET', `/devices/${encodeURIComponent(id)}`);
  if (response.status !== 200)
    throw new Error(`Reading existing device failed: ${describeRestError(response)}`);
  const device = response.body as {
    status?: string;
    authentication?: { type?: string; symmetricKey?: { primaryKey?: string | null } };
  };
  if (device.status === 'disabled') throw new Error('The device exists but is disabled.');
  const key = device.authentication?.symmetricKey?.primaryKey;
  if (device.authentication?.type !== 'sas' || !key) {
    throw new Error(
      `The device exists with ${device.authentication?.type ?? 'unknown'} authentication, not SAS.`,
    );
  }
  return key;
}

interface BulkError {
  deviceId: string;
  errorCode: string;
  errorStatus: string;
}

function bulkErrors(body: unknown): BulkError[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((e: { deviceId?: unknown; errorCode?: unknown; errorStatus?: unknown }) =>
    typeof e?.deviceId === 'string'
      ? [{ deviceId: e.deviceId, errorCode: String(e.errorCode), errorStatus: String(e.errorStatus) }]
      : [],
  );
}
