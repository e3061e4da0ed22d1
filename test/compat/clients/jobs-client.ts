/**
 * Drives the unmodified azure-iothub JobClient against a hub and prints one JSON line per step
 * (compat-child.ts). Env: OUTPOST_CS (iothubowner). Run by test/compat/azure-iothub-jobs.test.ts.
 * No device is connected, so method jobs end with DeviceNotOnline rows; twin jobs complete.
 */
import iothub from 'azure-iothub';
import { finish, requireEnv, step } from '../../helpers/compat-child';

// azure-iothub is CommonJS whose exports Node's ESM loader cannot list: take them from the default.
const { JobClient, Registry } = iothub;

const cs = requireEnv('OUTPOST_CS');
const jobs = JobClient.fromConnectionString(cs);
const registry = Registry.fromConnectionString(cs);

type Job = { jobId: string; status: string; type: string; deviceJobStatistics?: Record<string, number> };
const view = (r: { jobStatus: unknown }) => {
  const j = r.jobStatus as Job & Record<string, unknown>;
  return {
    jobId: j.jobId,
    type: j.type,
    status: j.status,
    startTime: j.startTime,
    maxExecutionTimeInSeconds: j.maxExecutionTimeInSeconds,
    updateTwin: j.updateTwin,
    cloudToDeviceMethod: j.cloudToDeviceMethod,
    deviceJobStatistics: j.deviceJobStatistics,
  };
};

/** Polls getJob until the job has finished (or 20 s passed) and returns its last view. */
async function untilFinished(jobId: string | number) {
  for (let i = 0; i < 200; i++) {
    const r = await jobs.getJob(jobId);
    const job = r.jobStatus as Job;
    if (['completed', 'failed', 'cancelled'].includes(job.status)) return r;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${jobId} did not finish`);
}

for (const deviceId of ['sdkjob-1', 'sdkjob-2']) {
  await registry.create({ deviceId });
  await registry.updateTwin(deviceId, { tags: { sdk: 'yes' } }, '*');
}

// Promise form: startTime null and no maxExecutionTimeInSeconds; a numeric job id.
await step(
  'scheduleTwinUpdate',
  () => jobs.scheduleTwinUpdate(1001, "tags.sdk = 'yes'", { etag: '*', tags: { fw: '2.0' } }),
  view,
);
await step('twinJobDone', () => untilFinished(1001), view);
await step(
  'twinAfterJob',
  () => registry.getTwin('sdkjob-1'),
  (r) => r.responseBody.tags,
);

await step(
  'scheduleDeviceMethod',
  () =>
    jobs.scheduleDeviceMethod('sdk-method', "deviceId IN ['sdkjob-1', 'sdkjob-2']", {
      methodName: 'reboot',
      payload: { delay: 1 },
      responseTimeoutInSeconds: 10,
    }),
  view,
);
await step('methodJobDone', () => untilFinished('sdk-method'), view);

// getJob and cancelJob put the id in the path unencoded; PUT encodes it.
const later = new Date(Date.now() + 3_600_000);
await step(
  'scheduleLater',
  () => jobs.scheduleTwinUpdate('sdk:later+1', '*', { tags: { x: 1 } }, later, 120),
  view,
);
await step('getLater', () => jobs.getJob('sdk:later+1'), view);
await step('cancelLater', () => jobs.cancelJob('sdk:later+1'), view);

await step('scheduleDuplicate', () => jobs.scheduleTwinUpdate(1001, '*', { tags: { x: 1 } }), view);
await step(
  'scheduleBadCondition',
  () => jobs.scheduleTwinUpdate('sdk-bad', 'tags.sdk = = 1', { tags: { x: 1 } }),
  view,
);
await step('getUnknown', () => jobs.getJob('no-such-job'), view);

await step('queryTwinJobs', async () => {
  const query = jobs.createQuery('scheduleUpdateTwin', undefined, 1);
  const pages: string[][] = [];
  while (query.hasMoreResults && pages.length < 10) {
    // Why the explicit token: the promise form of next() without arguments forgets the stored one
    // and fetches the first page again (azure-iothub 1.16.6 query.js); nextAsTwin() does not.
    const page = await query.next(query.continuationToken);
    pages.push((page.result as Job[]).map((j) => j.jobId));
  }
  return pages;
});
await step('queryCancelled', async () => {
  const page = await jobs.createQuery(undefined, 'cancelled').next();
  return {
    ids: (page.result as Job[]).map((j) => j.jobId),
    itemType: page.message.headers['x-ms-item-type'],
  };
});
await step('queryDeviceRows', async () => {
  const page = await registry
    .createQuery("SELECT * FROM devices.jobs WHERE devices.jobs.jobId = 'sdk-method'")
    .next();
  return (page.result as { deviceId: string; status: string; error?: { code: string } }[]).map((r) => ({
    deviceId: r.deviceId,
    status: r.status,
    code: r.error?.code,
  }));
});

finish();
