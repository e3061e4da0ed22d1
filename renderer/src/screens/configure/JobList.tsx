import type { JobResponse } from '@outpost/core';
import { hrefTo } from '../../app/router';
import { Age } from '../../components/ui';
import { JobProgress } from './JobProgress';
import { jobKind, statusBadge } from './job-format';

/** Jobs, most recent first: what, over which devices, status and progress. */
export function JobList({ jobs }: { jobs: JobResponse[] }) {
  if (!jobs.length) return <p className="muted">No jobs yet.</p>;
  return (
    <div className="ops-table-wrap">
      <table className="cfg-table">
        <caption className="sr-only">Jobs, most recent first</caption>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Does</th>
            <th scope="col">Devices where</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.jobId}>
              <th scope="row">
                <a href={hrefTo('configure', 'jobs', j.jobId)} className="mono">
                  {j.jobId}
                </a>
              </th>
              <td>{jobKind(j)}</td>
              <td>
                <code className="cfg-condition">{j.queryCondition}</code>
              </td>
              <td>
                <span className={`badge ${statusBadge(j.status)}`}>{j.status}</span>
              </td>
              <td className="cfg-progress-cell">
                <JobProgress job={j} compact />
              </td>
              <td>
                <Age iso={j.createdTime} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
