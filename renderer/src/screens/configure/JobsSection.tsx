import { useCallback } from 'react';
import { listJobs, MAX_LISTED_JOBS } from '../../api/jobs';
import { useApi } from '../../api/use-api';
import { hrefTo, navigate } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNotice } from '../../components/ui';
import { JobDetail } from './JobDetail';
import { JobForm } from './JobForm';
import { JobList } from './JobList';
import { isFinished } from './job-format';
import { useLiveReload, usePolling } from './use-live-reload';

/** Jobs: the list (recent first, live), `…/new` for operators, and `…/<id>`. */
export function JobsSection({ segments }: { segments: string[] }) {
  const sub = segments[0];
  const { can } = useSession();
  if (sub === 'new' && can('operator')) {
    return <JobForm onCreated={(job) => navigate('configure', 'jobs', job.jobId)} />;
  }
  if (sub !== undefined && sub !== 'new') return <JobDetail key={sub} jobId={sub} />;
  return <JobsList />;
}

function JobsList() {
  const { client, can } = useSession();
  const load = useCallback((signal: AbortSignal) => listJobs(client, signal), [client]);
  const { data, error, reload } = useApi(load, [load]);
  useLiveReload(
    reload,
    (e) => e.type === 'jobCreated' || e.type === 'jobUpdated' || e.type === 'jobDevicesUpdated',
    1000,
  );
  usePolling(reload, !!data?.jobs.some((j) => !isFinished(j.status)), 3000);
  return (
    <section aria-labelledby="jobs-title">
      <div className="cfg-section-head">
        <h2 id="jobs-title">Jobs</h2>
        {can('operator') ? (
          <a className="cfg-button-link" href={hrefTo('configure', 'jobs', 'new')}>
            New job
          </a>
        ) : null}
      </div>
      <p className="ops-hint">
        A job updates twins or calls a direct method on every device a condition matches, a few at a time, and
        records the result of each device.
      </p>
      <ErrorNotice error={error} title="Jobs could not be read" />
      {data?.truncated ? (
        <p className="ops-hint">Only the first {MAX_LISTED_JOBS} jobs by id were read.</p>
      ) : null}
      {data ? <JobList jobs={data.jobs} /> : error ? null : <p className="muted">Loading…</p>}
    </section>
  );
}
