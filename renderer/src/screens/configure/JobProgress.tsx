import type { JobResponse } from '@outpost/core';
import { ProgressBar } from '../../components/ui';
import { doneCount } from './job-format';

/** A job's progress bar (done of all devices) and its four counts, each in words. */
export function JobProgress({ job, compact = false }: { job: JobResponse; compact?: boolean }) {
  const s = job.deviceJobStatistics;
  if (s.deviceCount === 0) {
    return (
      <span className="muted">
        {job.status === 'queued' || job.status === 'scheduled' ? 'Waiting to start' : 'No device matched'}
      </span>
    );
  }
  return (
    <div className="cfg-job-progress">
      <ProgressBar value={doneCount(s)} max={s.deviceCount} label={`Progress of job ${job.jobId}`} />
      <div className="ops-counts">
        <span className="badge badge-ok">{s.succeededCount} succeeded</span>
        <span className={`badge ${s.failedCount ? 'badge-bad' : 'badge-muted'}`}>{s.failedCount} failed</span>
        {!compact || s.runningCount ? (
          <span className={`badge ${s.runningCount ? 'badge-warn' : 'badge-muted'}`}>
            {s.runningCount} running
          </span>
        ) : null}
        {!compact || s.pendingCount ? (
          <span className="badge badge-muted">{s.pendingCount} pending</span>
        ) : null}
      </div>
    </div>
  );
}
