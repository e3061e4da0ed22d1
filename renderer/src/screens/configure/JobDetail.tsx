import type { JobResponse } from '@outpost/core';
import { useCallback, useState } from 'react';
import { cancelJob, fetchJob, fetchJobDevices } from '../../api/jobs';
import { useApi } from '../../api/use-api';
import { hrefTo } from '../../app/router';
import { useSession } from '../../app/session';
import { Age, ErrorNotice, JsonView, Notice } from '../../components/ui';
import { JobDeviceResults } from './JobDeviceResults';
import { JobProgress } from './JobProgress';
import { isFinished, jobKind, statusBadge } from './job-format';
import { useLiveReload, usePolling } from './use-live-reload';

/** How often an unfinished job is read again (besides the hub's job events). */
const POLL_MS = 1000;

/** One job: what it does, its progress (live), per-device results, and Cancel for operators. */
export function JobDetail({ jobId }: { jobId: string }) {
  const { client } = useSession();
  const loadJob = useCallback((signal: AbortSignal) => fetchJob(client, jobId, signal), [client, jobId]);
  const loadRows = useCallback(
    (signal: AbortSignal) => fetchJobDevices(client, jobId, signal),
    [client, jobId],
  );
  const job = useApi(loadJob, [loadJob]);
  const rows = useApi(loadRows, [loadRows]);
  const running = !job.data || !isFinished(job.data.status);
  // The job document is small and reloads on every tick; the device rows (up to 5 pages) reload
  // only when no load of them is under way, so a big job's table keeps advancing instead of being
  // aborted and restarted forever.
  const refresh = () => {
    job.reload();
    if (!rows.loading) rows.reload();
  };
  useLiveReload(
    refresh,
    (e) =>
      'entry' in e && e.entry.id === jobId && (e.type === 'jobUpdated' || e.type === 'jobDevicesUpdated'),
    500,
  );
  usePolling(refresh, running && !job.error, POLL_MS);

  if (!job.data) {
    return (
      <section>
        <a href={hrefTo('configure', 'jobs')}>← All jobs</a>
        {job.error ? (
          <ErrorNotice error={job.error} title={`Job ${jobId} could not be read`} />
        ) : (
          <p>Loading…</p>
        )}
      </section>
    );
  }
  const j = job.data;
  return (
    <section aria-labelledby="job-title" className="cfg-job-detail">
      <a href={hrefTo('configure', 'jobs')}>← All jobs</a>
      <div className="cfg-section-head">
        <h2 id="job-title">
          Job <span className="mono">{j.jobId}</span>{' '}
          <span className={`badge ${statusBadge(j.status)}`}>{j.status}</span>
        </h2>
        <CancelJob job={j} onCancelled={refresh} />
      </div>
      <div className="card">
        <JobProgress job={j} />
        {j.failureReason ? <ErrorNotice error={new Error(j.failureReason)} title="The job failed" /> : null}
        {j.statusMessage ? <p className="muted">{j.statusMessage}</p> : null}
      </div>
      <div className="grid-2">
        <div className="card">
          <dl className="cfg-facts">
            <dt>Does</dt>
            <dd>{jobKind(j)}</dd>
            <dt>Devices where</dt>
            <dd>
              <code>{j.queryCondition}</code>
            </dd>
            <dt>Created</dt>
            <dd>
              <Age iso={j.createdTime} />
            </dd>
            <dt>Started</dt>
            <dd>
              <Age iso={j.startTime} />
            </dd>
            <dt>Ended</dt>
            <dd>
              {j.endTime ? (
                <>
                  <Age iso={j.endTime} /> (took {duration(j.startTime, j.endTime)})
                </>
              ) : (
                'not yet'
              )}
            </dd>
            <dt>Maximum run time</dt>
            <dd>{j.maxExecutionTimeInSeconds.toLocaleString()} s</dd>
          </dl>
        </div>
        <div className="card">
          <h3 className="cfg-card-title">{j.type === 'scheduleUpdateTwin' ? 'Twin patch' : 'Method call'}</h3>
          <JsonView
            value={j.type === 'scheduleUpdateTwin' ? j.updateTwin : j.cloudToDeviceMethod}
            label={j.type === 'scheduleUpdateTwin' ? 'Twin patch of the job' : 'Method call of the job'}
          />
        </div>
      </div>
      <ErrorNotice error={rows.error} title="The device results could not be read" />
      {rows.data ? <JobDeviceResults rows={rows.data.rows} truncated={rows.data.truncated} /> : null}
    </section>
  );
}

function CancelJob({ job, onCancelled }: { job: JobResponse; onCancelled(): void }) {
  const { client, can } = useSession();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [done, setDone] = useState(false);
  if (done && isFinished(job.status))
    return <Notice>Job cancelled: devices not done were marked canceled.</Notice>;
  if (!can('operator') || isFinished(job.status)) return null;
  const cancel = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await cancelJob(client, job.jobId);
      setDone(true);
      setConfirming(false);
      onCancelled();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  if (!confirming) {
    return (
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Cancel job
      </button>
    );
  }
  return (
    <div role="alertdialog" aria-labelledby="cancel-job-text" className="cfg-confirm">
      <p id="cancel-job-text">
        Cancel job {job.jobId}? Devices not done yet are marked canceled; devices already done keep what the
        job did.
      </p>
      <ErrorNotice error={error} title="The job was not cancelled" />
      <div className="ops-actions">
        <button type="button" className="danger" onClick={() => void cancel()} disabled={busy}>
          {busy ? 'Cancelling…' : 'Yes, cancel the job'}
        </button>
        <button type="button" className="secondary" onClick={() => setConfirming(false)} disabled={busy}>
          Keep it running
        </button>
      </div>
    </div>
  );
}

/** "0.4 s", "12 s", "3 min 5 s" between two ISO times. */
function duration(fromIso: string, toIso: string): string {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!(ms >= 0)) return 'unknown';
  if (ms < 100) return 'under 0.1 s';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
