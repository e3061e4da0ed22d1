import type { JobResponse } from '@outpost/core';
import { hrefTo } from '../../app/router';
import { Age, ProgressBar } from '../../components/ui';

function what(job: JobResponse): string {
  if (job.type === 'scheduleDeviceMethod') return `method ${job.cloudToDeviceMethod?.methodName ?? ''}`;
  if (job.type === 'scheduleUpdateTwin') return 'twin update';
  return job.type;
}

/** Jobs that are not finished, with their progress over their devices. */
export function ActiveJobs({ jobs }: { jobs: readonly JobResponse[] | undefined }) {
  return (
    <section className="card" aria-labelledby="jobs-heading">
      <h2 id="jobs-heading">Running jobs</h2>
      {jobs && jobs.length === 0 ? <p className="muted">No job is queued, scheduled or running.</p> : null}
      {jobs && jobs.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Does</th>
              <th scope="col">Status</th>
              <th scope="col">Devices</th>
              <th scope="col">Progress</th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => {
              const s = job.deviceJobStatistics;
              const done = s.succeededCount + s.failedCount;
              return (
                <tr key={job.jobId}>
                  <td className="mono">
                    <a href={hrefTo('configure', 'jobs', job.jobId)}>{job.jobId}</a>
                  </td>
                  <td>{what(job)}</td>
                  <td>
                    <span className={`badge ${job.status === 'running' ? 'badge-ok' : 'badge-muted'}`}>
                      {job.status}
                    </span>
                  </td>
                  <td>
                    <code className="mon-condition">{job.queryCondition}</code>
                    {s.failedCount > 0 ? <div className="mon-failed">{s.failedCount} failed</div> : null}
                  </td>
                  <td className="mon-progress-cell">
                    <ProgressBar value={done} max={s.deviceCount} label={`Progress of job ${job.jobId}`} />
                  </td>
                  <td>
                    <Age iso={job.startTime} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
