import { useState } from 'react';
import { Age, ErrorNotice, PageHeader } from '../../components/ui';
import type { ScreenProps } from '../registry';
import { ActiveJobs } from './ActiveJobs';
import { AlertsPanel, FiringBadge } from './AlertsPanel';
import { ConnectionChart, windowText } from './ConnectionChart';
import { DeviceIdList } from './DeviceIdList';
import { StateBreakdown } from './StateBreakdown';
import { useMonitorData } from './use-monitor-data';
import './monitor.css';

const SILENT_CHOICES = [5, 15, 60, 240, 1440];
const WINDOW_CHOICES = [15, 60, 360, 1440];

const statusTone = (key: string) =>
  key === 'error' || key === 'failed' ? 'bad' : key === 'online' || key === 'Connected' ? 'ok' : 'muted';

/** Monitor: the fleet's health now and over time, failing and silent devices, jobs and alert rules. */
export function MonitorScreen(_props: ScreenProps) {
  const [silentMinutes, setSilentMinutes] = useState(15);
  const [windowMinutes, setWindowMinutes] = useState(60);
  const { summary, history, alerts, jobs } = useMonitorData(silentMinutes, windowMinutes);
  const s = summary.data;
  const connected = s?.byConnectionState.Connected ?? 0;

  return (
    <div className="mon">
      <PageHeader title="Monitor">
        <FiringBadge alerts={alerts.data} />
        {s ? (
          <span className="muted small" role="status">
            Updated <Age iso={s.generatedAt} />
          </span>
        ) : null}
      </PageHeader>
      <ErrorNotice error={summary.error} title="The fleet summary could not be read" />

      <div className="grid-4 mon-stats">
        <Stat label="Devices" value={s?.totalDevices} />
        <Stat label="Connected" value={s ? connected : undefined} tone="ok" />
        <Stat label="Disconnected" value={s ? s.totalDevices - connected : undefined} />
        <Stat label="Failing" value={s?.failing.count} tone={s?.failing.count ? 'bad' : undefined} />
        <Stat label="Never connected" value={s?.neverConnected.count} />
      </div>

      <div className="mon-main">
        <section className="card" aria-labelledby="chart-heading">
          <div className="mon-card-head">
            <h2 id="chart-heading">Connected devices over time</h2>
            <label className="mon-inline">
              Window
              <select value={windowMinutes} onChange={(e) => setWindowMinutes(Number(e.target.value))}>
                {WINDOW_CHOICES.map((m) => (
                  <option key={m} value={m}>
                    last {windowText(m)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <ErrorNotice error={history.error} title="The connection history could not be read" />
          {history.data ? <ConnectionChart history={history.data} /> : <p className="muted">Loading…</p>}
          <p className="muted small">
            The hub samples the count every 10 s and at every change, in memory: the history starts when the
            hub starts.
          </p>
        </section>
        <div>
          <ErrorNotice error={alerts.error} title="The alert rules could not be evaluated" />
          <AlertsPanel alerts={alerts.data} onChanged={alerts.reload} />
        </div>
      </div>

      {s ? (
        <div className="mon-grid">
          <StateBreakdown
            title="By connection state"
            column="Connection state"
            counts={s.byConnectionState}
            total={s.totalDevices}
            tone={statusTone}
          />
          <StateBreakdown
            title="By reported status"
            column="Reported status"
            counts={s.byReportedStatus}
            total={s.totalDevices}
            tone={statusTone}
          />
          <DeviceIdList
            title="Failing devices"
            count={s.failing.count}
            deviceIds={s.failing.deviceIds}
            explain={`${s.failing.reportingErrors} reporting an error, ${s.failing.failedOperations} whose last reboot or factory reset failed.`}
            empty="No device reports an error."
          />
          <DeviceIdList
            title="Silent devices"
            count={s.silent.count}
            deviceIds={s.silent.deviceIds}
            explain={`Seen before, but not within ${windowText(s.silent.silentMinutes)} (since ${new Date(s.silent.since).toLocaleTimeString()}).`}
            empty="Every device that connected before was seen recently."
          >
            <label className="mon-inline">
              Silent after
              <select value={silentMinutes} onChange={(e) => setSilentMinutes(Number(e.target.value))}>
                {SILENT_CHOICES.map((m) => (
                  <option key={m} value={m}>
                    {windowText(m)}
                  </option>
                ))}
              </select>
            </label>
          </DeviceIdList>
        </div>
      ) : null}

      <ErrorNotice error={jobs.error} title="The jobs could not be read" />
      <ActiveJobs jobs={jobs.data} />
    </div>
  );
}

function Stat({ label, value, tone }: { label: string; value: number | undefined; tone?: 'ok' | 'bad' }) {
  return (
    <figure className="card mon-stat">
      <figcaption className="muted">{label}</figcaption>
      <div className={`stat ${tone ? `mon-${tone}` : ''}`}>{value ?? '…'}</div>
    </figure>
  );
}
