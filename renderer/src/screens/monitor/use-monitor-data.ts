import { useRef } from 'react';
import { useHubEvents } from '../../api/events';
import { fetchActiveJobs, fetchAlerts, fetchConnectionHistory, fetchFleetSummary } from '../../api/monitor';
import { useApi } from '../../api/use-api';
import { usePolling } from '../../api/use-polling';
import { useSession } from '../../app/session';

/** How often the dashboard reads the hub again without an event asking for it. */
export const POLL_MS = 5_000;
// A reconnect storm sends an event per device: reload at most this often on events.
const EVENT_RELOAD_MS = 1_000;

function useThrottled(fn: () => void, ms: number): () => void {
  const last = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout>>(undefined);
  const latest = useRef(fn);
  latest.current = fn;
  return () => {
    const wait = last.current + ms - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      latest.current();
    } else if (!pending.current) {
      pending.current = setTimeout(() => {
        pending.current = undefined;
        last.current = Date.now();
        latest.current();
      }, wait);
    }
  };
}

/** The dashboard's data, kept fresh by polling and by the hub's events. */
export function useMonitorData(silentMinutes: number, windowMinutes: number) {
  const { client } = useSession();
  const summary = useApi((s) => fetchFleetSummary(client, silentMinutes, s), [client, silentMinutes]);
  const history = useApi((s) => fetchConnectionHistory(client, windowMinutes, s), [client, windowMinutes]);
  const alerts = useApi((s) => fetchAlerts(client, s), [client]);
  const jobs = useApi((s) => fetchActiveJobs(client, s), [client]);

  usePolling(() => {
    summary.reload();
    history.reload();
    alerts.reload();
    jobs.reload();
  }, POLL_MS);

  const connectionsChanged = useThrottled(() => {
    history.reload();
    summary.reload();
  }, EVENT_RELOAD_MS);
  const jobsChanged = useThrottled(() => jobs.reload(), EVENT_RELOAD_MS);
  useHubEvents((event) => {
    if (event.type === 'deviceConnected' || event.type === 'deviceDisconnected') connectionsChanged();
    else if (event.type === 'jobCreated' || event.type === 'jobUpdated' || event.type === 'jobDevicesUpdated')
      jobsChanged();
  });

  return { summary, history, alerts, jobs };
}
