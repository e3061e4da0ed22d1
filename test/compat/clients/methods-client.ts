/**
 * Drives the unmodified azure-iothub Client.invokeDeviceMethod and JobClient against devices the
 * parent test keeps connected, and prints one JSON line per step (compat-child.ts).
 * Env: OUTPOST_CS (iothubowner), ONLINE (a connected device answering methods), OFFLINE.
 */
import iothub from 'azure-iothub';
import { finish, requireEnv, step } from '../../helpers/compat-child';

// azure-iothub is CommonJS whose exports Node's ESM loader cannot list: take them from the default.
const { Client, JobClient, Registry } = iothub;

const cs = requireEnv('OUTPOST_CS');
const online = requireEnv('ONLINE');
const offline = requireEnv('OFFLINE');
const client = Client.fromConnectionString(cs);
const jobs = JobClient.fromConnectionString(cs);
const registry = Registry.fromConnectionString(cs);

await step(
  'invokeOnline',
  () =>
    client.invokeDeviceMethod(online, {
      methodName: 'ping',
      payload: { n: 7 },
      responseTimeoutInSeconds: 10,
    }),
  (r) => r.result,
);
// The SDK does not retry 404, so this answers at once (service-api.md §2.4).
await step('invokeOffline', () =>
  client.invokeDeviceMethod(offline, { methodName: 'ping', payload: null, responseTimeoutInSeconds: 10 }),
);

await step(
  'scheduleMethodJob',
  () =>
    jobs.scheduleDeviceMethod('sdk-ping-job', `deviceId IN ['${online}', '${offline}']`, {
      methodName: 'ping',
      payload: { n: 1 },
      responseTimeoutInSeconds: 10,
    }),
  (r) => (r.jobStatus as { jobId: string }).jobId,
);
let last: Record<string, unknown> = {};
for (let i = 0; i < 200; i++) {
  last = (await jobs.getJob('sdk-ping-job')).jobStatus as Record<string, unknown>;
  if (['completed', 'failed', 'cancelled'].includes(String(last.status))) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await step('methodJobDone', async () => last);
await step(
  'jobRows',
  async () => {
    const query = registry.createQuery(
      "SELECT * FROM devices.jobs WHERE devices.jobs.jobId = 'sdk-ping-job'",
    );
    const { result } = await query.next();
    return result as Record<string, unknown>[];
  },
  (rows) =>
    rows
      .map((r) => ({
        deviceId: r.deviceId,
        status: r.status,
        outcome: r.outcome,
        code: (r.error as { code?: string } | undefined)?.code,
      }))
      .sort((a, b) => String(a.deviceId).localeCompare(String(b.deviceId))),
);
await step(
  'scheduleTwinJob',
  () =>
    jobs.scheduleTwinUpdate('sdk-twin-job', `deviceId = '${online}'`, {
      etag: '*',
      properties: { desired: { jobSet: 42 } },
    }),
  (r) => (r.jobStatus as { jobId: string }).jobId,
);
for (let i = 0; i < 200; i++) {
  last = (await jobs.getJob('sdk-twin-job')).jobStatus as Record<string, unknown>;
  if (['completed', 'failed', 'cancelled'].includes(String(last.status))) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await step('twinJobDone', async () => last);
await step('done', async () => true);
finish();
