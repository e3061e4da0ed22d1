import type { DeviceJobRow, JobResponse } from '@outpost/core';
import type { HubClient } from './http';
import { queryRows, quoteQueryString } from './twin-query';

/** Most jobs the list reads (pages of 100); the hub lists by id, so the UI sorts them itself. */
export const MAX_LISTED_JOBS = 2000;

const path = (id: string) => `/jobs/v2/${encodeURIComponent(id)}`;

/**
 * Jobs, most recent first. `GET /jobs/v2/query` pages in jobId order, so every page (up to
 * {@link MAX_LISTED_JOBS}) is read and sorted by creation time here.
 */
export async function listJobs(
  client: HubClient,
  signal?: AbortSignal,
): Promise<{ jobs: JobResponse[]; truncated: boolean }> {
  const jobs: JobResponse[] = [];
  let continuation: string | undefined;
  do {
    const headers: Record<string, string> = { 'x-ms-max-item-count': '100' };
    if (continuation) headers['x-ms-continuation'] = continuation;
    const res = await client.request<JobResponse[]>('GET', '/jobs/v2/query', {
      headers,
      ...(signal ? { signal } : {}),
    });
    jobs.push(...res.data);
    continuation = res.headers.get('x-ms-continuation') ?? undefined;
  } while (continuation && jobs.length < MAX_LISTED_JOBS);
  jobs.sort((a, b) => b.createdTime.localeCompare(a.createdTime) || a.jobId.localeCompare(b.jobId));
  return { jobs, truncated: continuation !== undefined };
}

/** One job. */
export function fetchJob(client: HubClient, id: string, signal?: AbortSignal): Promise<JobResponse> {
  return client.get<JobResponse>(path(id), undefined, signal);
}

/** What the job form sends (`PUT /jobs/v2/{id}`, service-api.md §2.5); it starts now. */
export type JobDraft =
  | {
      type: 'scheduleUpdateTwin';
      jobId: string;
      queryCondition: string;
      maxExecutionTimeInSeconds: number;
      updateTwin: { tags?: Record<string, unknown>; properties?: { desired: Record<string, unknown> } };
    }
  | {
      type: 'scheduleDeviceMethod';
      jobId: string;
      queryCondition: string;
      maxExecutionTimeInSeconds: number;
      cloudToDeviceMethod: { methodName: string; payload: unknown; responseTimeoutInSeconds: number };
    };

/** Creates a job that starts now. */
export function createJob(client: HubClient, draft: JobDraft): Promise<JobResponse> {
  return client.put<JobResponse>(path(draft.jobId), { ...draft, startTime: null });
}

/** Cancels a job: devices not yet done are marked canceled. */
export function cancelJob(client: HubClient, id: string): Promise<JobResponse> {
  return client.post<JobResponse>(`${path(id)}/cancel`);
}

/** Most device rows of a job the detail view reads. */
export const MAX_JOB_ROWS = 5000;

/** The per-device rows of a job (`SELECT * FROM devices.jobs WHERE devices.jobs.jobId = …`). */
export function fetchJobDevices(
  client: HubClient,
  jobId: string,
  signal?: AbortSignal,
): Promise<{ rows: DeviceJobRow[]; truncated: boolean }> {
  const query = `SELECT * FROM devices.jobs WHERE devices.jobs.jobId = ${quoteQueryString(jobId)}`;
  return queryRows<DeviceJobRow>(client, query, {
    maxRows: MAX_JOB_ROWS,
    pageSize: 1000,
    ...(signal ? { signal } : {}),
  });
}
