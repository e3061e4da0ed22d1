/**
 * `GET /jobs/v2/query` (service-api.md §2.5): jobs filtered by raw type and status strings, in jobId
 * order, paged with an opaque continuation that holds the last jobId sent.
 */
import { clampPageSize } from '../query';
import { decodeContinuation, encodeContinuation } from '../query/continuation';
import type { JobResponse } from './job-model';

/** Filters and paging of a job listing. */
export interface JobListOptions {
  /** Compared with the job's `type` as a raw string. */
  jobType?: string;
  /** Compared with the job's `status` as a raw string. */
  jobStatus?: string;
  /** 1..100; 100 when absent. */
  pageSize?: number;
  continuation?: string;
}

/** One page of jobs; `continuation` only when more remain. */
export interface JobPage {
  jobs: JobResponse[];
  continuation?: string;
}

/** Pages through `jobs` (already in jobId order) with the filters of `options`. */
export function listJobs(jobs: Iterable<JobResponse>, options: JobListOptions = {}): JobPage {
  // The token is bound to the filters, so a token from another listing is refused (400).
  const key = `jobs?type=${options.jobType ?? ''}&status=${options.jobStatus ?? ''}`;
  const state =
    options.continuation === undefined ? undefined : decodeContinuation(key, options.continuation);
  const after = state?.after[0];
  const size = clampPageSize(options.pageSize);
  const out: JobResponse[] = [];
  let more = false;
  for (const job of jobs) {
    if (after !== undefined && !(job.jobId > after)) continue;
    if (options.jobType !== undefined && job.type !== options.jobType) continue;
    if (options.jobStatus !== undefined && job.status !== options.jobStatus) continue;
    if (out.length === size) {
      more = true;
      break;
    }
    out.push(job);
  }
  const page: JobPage = { jobs: out };
  const last = out.at(-1);
  if (more && last) {
    page.continuation = encodeContinuation(key, {
      after: [last.jobId],
      sent: (state?.sent ?? 0) + out.length,
    });
  }
  return page;
}
