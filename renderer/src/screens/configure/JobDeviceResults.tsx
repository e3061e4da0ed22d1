import type { DeviceJobRow } from '@outpost/core';
import { useId, useState } from 'react';
import { hrefTo } from '../../app/router';
import { Age } from '../../components/ui';
import { statusBadge } from './job-format';

type Filter = 'all' | 'failed' | 'completed' | 'open';

const FILTERS: { value: Filter; label: string }[] = [
  { value: 'all', label: 'All devices' },
  { value: 'failed', label: 'Failed or canceled' },
  { value: 'completed', label: 'Succeeded' },
  { value: 'open', label: 'Pending or running' },
];

function keep(filter: Filter, row: DeviceJobRow): boolean {
  if (filter === 'all') return true;
  if (filter === 'failed') return row.status === 'failed' || row.status === 'canceled';
  if (filter === 'completed') return row.status === 'completed';
  return row.status === 'pending' || row.status === 'scheduled' || row.status === 'running';
}

/** What happened on one device: the method's answer, the twin update, or the error. */
function outcome(row: DeviceJobRow): string {
  if (row.error) return `${row.error.description} (${row.error.code})`;
  const answer = row.outcome.deviceMethodResponse;
  if (answer) {
    const payload = JSON.stringify(answer.payload);
    return `Status ${answer.status}${payload !== undefined && payload !== 'null' ? `: ${payload.length > 160 ? `${payload.slice(0, 160)}…` : payload}` : ''}`;
  }
  if (row.status === 'completed') return 'Twin updated';
  return '';
}

/** The per-device rows of a job, filterable by outcome. */
export function JobDeviceResults({ rows, truncated }: { rows: DeviceJobRow[]; truncated: boolean }) {
  const [filter, setFilter] = useState<Filter>('all');
  const selectId = useId();
  const shown = rows.filter((r) => keep(filter, r));
  return (
    <section aria-labelledby="job-devices-title">
      <div className="cfg-section-head">
        <h3 id="job-devices-title">Devices ({rows.length.toLocaleString()})</h3>
        <div className="row">
          <label htmlFor={selectId}>Show</label>
          <select id={selectId} value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {truncated ? (
        <p className="ops-hint">Only the first {rows.length.toLocaleString()} devices are listed.</p>
      ) : null}
      {shown.length === 0 ? (
        <p className="muted">{rows.length ? 'No device has this outcome.' : 'No device rows yet.'}</p>
      ) : (
        <div className="ops-table-wrap">
          <table className="cfg-table">
            <caption className="sr-only">Per-device results of the job</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Ended</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.deviceId}>
                  <th scope="row">
                    <a href={hrefTo('devices', r.deviceId)} className="mono cfg-nowrap">
                      {r.deviceId}
                    </a>
                  </th>
                  <td>
                    <span className={`badge ${statusBadge(r.status)}`}>{r.status}</span>
                  </td>
                  <td>
                    <Age iso={r.startTimeUtc} />
                  </td>
                  <td>
                    <Age iso={r.endTimeUtc} />
                  </td>
                  <td className="cfg-outcome">{outcome(r)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
