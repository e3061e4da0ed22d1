import type { JobResponse } from '@outpost/core';
import type { Command } from 'commander';
import { createProgressBar } from '../simulator/progress-bar';
import { type ApiClient, hubPath, readPages, resolveApiClient, withApiOptions } from './api-client';
import {
  formatFields,
  formatTable,
  noteMore,
  optionalWholeNumber,
  pageOptionsOf,
  parseJsonObject,
  parseJsonOption,
  parseWholeNumber,
  print,
  printJson,
} from './format';

const ENDED = new Set(['completed', 'failed', 'cancelled']);

// Why not hubPath for GET and cancel: the hub tries the id decoded first, so an encoded id is right.
const jobPath = (jobId: string, suffix: string[] = []) => hubPath(['jobs', 'v2', jobId, ...suffix]);

function counts(job: JobResponse): string {
  const s = job.deviceJobStatistics;
  return `${s.succeededCount} succeeded, ${s.failedCount} failed, ${s.runningCount} running, ${s.pendingCount} pending of ${s.deviceCount}`;
}

function describeJob(job: JobResponse): string {
  return formatFields({
    jobId: job.jobId,
    type: job.type,
    status: job.status,
    queryCondition: job.queryCondition,
    method: job.cloudToDeviceMethod?.methodName,
    payload: job.cloudToDeviceMethod ? JSON.stringify(job.cloudToDeviceMethod.payload) : undefined,
    updateTwin: job.updateTwin,
    createdTime: job.createdTime,
    startTime: job.startTime,
    endTime: job.endTime ?? undefined,
    maxExecutionTimeInSeconds: job.maxExecutionTimeInSeconds,
    devices: counts(job),
    failureReason: job.failureReason ?? undefined,
    statusMessage: job.statusMessage ?? undefined,
  });
}

const JOB_COLUMNS = [
  { header: 'JOB', value: (j: JobResponse) => j.jobId },
  { header: 'TYPE', value: (j: JobResponse) => j.type },
  { header: 'STATUS', value: (j: JobResponse) => j.status },
  { header: 'DEVICES', value: (j: JobResponse) => j.deviceJobStatistics.deviceCount },
  { header: 'OK', value: (j: JobResponse) => j.deviceJobStatistics.succeededCount },
  { header: 'FAILED', value: (j: JobResponse) => j.deviceJobStatistics.failedCount },
  { header: 'START', value: (j: JobResponse) => j.startTime },
  { header: 'CONDITION', value: (j: JobResponse) => j.queryCondition },
];

/** The schedule fields shared by `job twin` and `job method`. */
function schedule(opts: Record<string, unknown>): Record<string, unknown> {
  if (typeof opts.start === 'string' && Number.isNaN(Date.parse(opts.start))) {
    throw new Error(`--start must be an ISO-8601 time, e.g. 2030-01-01T00:00:00Z, not ${opts.start}.`);
  }
  const maxTime = optionalWholeNumber('--max-time', opts.maxTime);
  return {
    queryCondition: opts.query,
    startTime: typeof opts.start === 'string' ? new Date(opts.start).toISOString() : null,
    ...(maxTime !== undefined ? { maxExecutionTimeInSeconds: maxTime } : {}),
  };
}

async function submit(client: ApiClient, jobId: string, body: Record<string, unknown>, json: boolean) {
  const job = await client.json<JobResponse>('PUT', jobPath(jobId), { jobId, ...body });
  if (json) printJson(job);
  else print(`job ${job.jobId} ${job.status} (${job.type}); follow it with: outpost job watch ${job.jobId}`);
}

const withSchedule = (command: Command) =>
  withApiOptions(
    command
      .requiredOption(
        '--query <condition>',
        'the devices: a WHERE condition, e.g. "tags.site = \'plantA\'", or *',
      )
      .option('--start <iso>', 'start time (ISO-8601; default now)')
      .option('--max-time <s>', 'maximum run time in seconds (default 3600)')
      .option('--json', 'print the job as JSON'),
  );

/** Polls a job until it ends, drawing progress on stderr; throws when it failed or was cancelled. */
export async function watch(
  client: ApiClient,
  jobId: string,
  intervalMs: number,
  json: boolean,
): Promise<void> {
  const stderr = process.stderr;
  const bar = createProgressBar(stderr);
  let lastLine = '';
  let job: JobResponse;
  for (;;) {
    job = await client.json<JobResponse>('GET', jobPath(jobId));
    const s = job.deviceJobStatistics;
    const done = s.succeededCount + s.failedCount;
    if (stderr.isTTY) {
      bar.update(
        `${job.jobId} ${job.status} (${s.runningCount} running, ${s.pendingCount} pending)`,
        done,
        s.deviceCount,
        s.failedCount,
      );
    } else {
      const line = `job ${job.jobId} ${job.status}: ${counts(job)}`;
      if (line !== lastLine) stderr.write(`${line}\n`);
      lastLine = line;
    }
    if (ENDED.has(job.status)) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  bar.finish();
  if (json) printJson(job);
  else print(`job ${job.jobId} ${job.status}: ${counts(job)}`);
  if (job.status !== 'completed') {
    const reason = job.failureReason ?? job.statusMessage;
    throw new Error(`job ${job.jobId} ${job.status}${reason ? `: ${reason}` : ''}`);
  }
}

/** `outpost job list|show|twin|method|cancel|watch`: scheduled jobs over many devices. */
export function registerJobCommand(program: Command): void {
  const job = program.command('job').description('scheduled jobs: a twin update or a method on many devices');

  withApiOptions(
    job
      .command('list')
      .description('list jobs, newest first; one page of 100 unless --top/--all')
      .option('--type <type>', 'scheduleUpdateTwin or scheduleDeviceMethod')
      .option('--status <status>', 'queued, scheduled, running, completed, failed or cancelled')
      .option('--top <n>', 'at most this many jobs')
      .option('--all', 'every job, following the continuation pages')
      .option('--json', 'print a JSON array'),
  ).action(async (opts: Record<string, unknown>) => {
    const client = await resolveApiClient(opts, process.env);
    const path = hubPath(['jobs', 'v2', 'query'], {
      jobType: typeof opts.type === 'string' ? opts.type : undefined,
      jobStatus: typeof opts.status === 'string' ? opts.status : undefined,
    });
    const { items, more } = await readPages<JobResponse>(client, 'GET', path, undefined, pageOptionsOf(opts));
    if (opts.json) printJson(items);
    else print(formatTable(items, JOB_COLUMNS));
    if (more) noteMore(items.length, 'jobs');
  });

  withApiOptions(
    job
      .command('show <jobId>')
      .description('show a job and its device counts')
      .option('--json', 'print JSON'),
  ).action(async (jobId: string, opts: Record<string, unknown>) => {
    const client = await resolveApiClient(opts, process.env);
    const found = await client.json<JobResponse>('GET', jobPath(jobId));
    if (opts.json) printJson(found);
    else print(describeJob(found));
  });

  withSchedule(
    job
      .command('twin <jobId>')
      .description('schedule a twin update on the devices matching --query')
      .requiredOption(
        '--patch <json>',
        'the twin patch, e.g. \'{"tags":{"ring":"1"},"properties":{"desired":{"fw":"1.3"}}}\'',
      ),
  ).action(async (jobId: string, opts: Record<string, unknown>) => {
    const patch = parseJsonObject('--patch', opts.patch as string);
    const client = await resolveApiClient(opts, process.env);
    await submit(
      client,
      jobId,
      { type: 'scheduleUpdateTwin', updateTwin: patch, ...schedule(opts) },
      opts.json === true,
    );
  });

  withSchedule(
    job
      .command('method <jobId>')
      .description('schedule a direct method on the devices matching --query')
      .requiredOption('--method <name>', 'the method name')
      .option('--payload <json>', 'the method payload (JSON, default null)')
      .option('--timeout <s>', 'seconds each device has to answer (5-300)', '30'),
  ).action(async (jobId: string, opts: Record<string, unknown>) => {
    const payload = typeof opts.payload === 'string' ? parseJsonOption('--payload', opts.payload) : null;
    const responseTimeoutInSeconds = parseWholeNumber('--timeout', opts.timeout, 5, 300);
    const client = await resolveApiClient(opts, process.env);
    await submit(
      client,
      jobId,
      {
        type: 'scheduleDeviceMethod',
        cloudToDeviceMethod: { methodName: opts.method, payload, responseTimeoutInSeconds },
        ...schedule(opts),
      },
      opts.json === true,
    );
  });

  withApiOptions(
    job
      .command('cancel <jobId>')
      .description('cancel a job; devices not yet done are skipped')
      .option('--json', 'print JSON'),
  ).action(async (jobId: string, opts: Record<string, unknown>) => {
    const client = await resolveApiClient(opts, process.env);
    const cancelled = await client.json<JobResponse>('POST', jobPath(jobId, ['cancel']));
    if (opts.json) printJson(cancelled);
    else print(`job ${cancelled.jobId} ${cancelled.status}: ${counts(cancelled)}`);
  });

  withApiOptions(
    job
      .command('watch <jobId>')
      .description(
        'follow a job until it ends (progress on stderr); exit 0 when completed, 1 when failed or cancelled',
      )
      .option('--interval <s>', 'seconds between polls', '1')
      .option('--json', 'print the final job as JSON'),
  ).action(async (jobId: string, opts: Record<string, unknown>) => {
    const seconds = Number(opts.interval);
    if (!(seconds > 0 && seconds <= 3600))
      throw new Error(`--interval must be a number of seconds (0-3600], not ${String(opts.interval)}.`);
    const client = await resolveApiClient(opts, process.env);
    await watch(client, jobId, seconds * 1000, opts.json === true);
  });
}
