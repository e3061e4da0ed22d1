import { useEffect, useState } from 'react';
import { downloadCa, fetchHubInfo, formatBytes, formatDuration, type HubInfo } from '../../api/hub';
import { useApi } from '../../api/use-api';
import { usePolling } from '../../api/use-polling';
import { useSession } from '../../app/session';
import { CopyButton, ErrorNotice, Notice, PageHeader } from '../../components/ui';
import type { ScreenProps } from '../registry';
import { ConnectDevice } from './ConnectDevice';
import { Endpoints } from './Endpoints';
import './hub.css';

function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

function Identity({ info }: { info: HubInfo }) {
  const now = useNow(1000);
  const started = new Date(info.startedAt);
  return (
    <section className="card" aria-labelledby="identity-heading">
      <h2 id="identity-heading">This hub</h2>
      <dl className="hubs-facts">
        <dt>Host name</dt>
        <dd>
          <span className="mono">{info.hostName}</span>{' '}
          <CopyButton text={info.hostName} label="Copy host name" />
          {info.hostAliases.length > 0 ? (
            <div className="muted small">also answers to {info.hostAliases.join(', ')}</div>
          ) : null}
        </dd>
        <dt>Hub id</dt>
        <dd>
          <span className="mono">{info.hubId}</span> <CopyButton text={info.hubId} label="Copy hub id" />
        </dd>
        <dt>Version</dt>
        <dd>Outpost {info.version}</dd>
        <dt>Started</dt>
        <dd>
          <time dateTime={info.startedAt}>{started.toLocaleString()}</time>
        </dd>
        <dt>Uptime</dt>
        <dd>{formatDuration(now - started.getTime())}</dd>
      </dl>
    </section>
  );
}

function CaCertificate() {
  const { client } = useSession();
  const [error, setError] = useState<Error>();
  const [saved, setSaved] = useState<string>();
  return (
    <section className="card" aria-labelledby="ca-heading">
      <h2 id="ca-heading">CA certificate</h2>
      <p>
        Devices, back ends and browsers trust the hub through its CA (PEM). It is public: hand it to anyone
        who connects.
      </p>
      <button
        type="button"
        onClick={() => {
          setError(undefined);
          downloadCa(client)
            .then(setSaved)
            .catch((err: Error) => setError(err));
        }}
      >
        Download CA certificate
      </button>
      {saved ? <Notice kind="success">Saved as {saved}.</Notice> : null}
      <ErrorNotice error={error} title="The CA certificate could not be downloaded" />
    </section>
  );
}

function budgetShare(used: number, budget: number): string {
  if (budget <= 0) return 'no budget';
  const pct = (used / budget) * 100;
  return pct > 0 && pct < 0.1 ? 'under 0.1 %' : `${pct.toFixed(1)} %`;
}

function Storage({ info }: { info: HubInfo }) {
  const q = info.telemetryQueue;
  return (
    <section className="card" aria-labelledby="storage-heading">
      <h2 id="storage-heading">Storage and queues</h2>
      <dl className="hubs-facts">
        <dt>Devices</dt>
        <dd>{info.devices.toLocaleString()}</dd>
        <dt>Store on disk</dt>
        <dd>{formatBytes(info.store.bytes)}</dd>
        <dt>Changes recorded</dt>
        <dd>{info.store.lastSeq.toLocaleString()}</dd>
        <dt>Telemetry waiting</dt>
        <dd>
          {q.records.toLocaleString()} messages, {formatBytes(q.bytes)}
          {q.dropped > 0 ? (
            <div className="hubs-bad">{q.dropped.toLocaleString()} dropped (budget full)</div>
          ) : null}
        </dd>
      </dl>
      <div className="hubs-budget">
        <label>
          <span className="muted small">
            Telemetry outbox: {formatBytes(q.bytes)} of its {formatBytes(q.budgetBytes)} disk budget (
            {budgetShare(q.bytes, q.budgetBytes)}); the oldest is dropped when it is full
          </span>
          <meter min={0} max={q.budgetBytes} value={q.bytes} high={q.budgetBytes * 0.8} />
        </label>
      </div>
    </section>
  );
}

/** Hub: what this hub is, where to reach it, its CA, its storage, and how a device connects. */
export function HubScreen(_props: ScreenProps) {
  const { client } = useSession();
  const info = useApi((signal) => fetchHubInfo(client, signal), [client]);
  usePolling(info.reload, 10_000);
  const data = info.data;
  return (
    <div className="hubs">
      <PageHeader title="Hub" />
      <ErrorNotice error={info.error} title="The hub's facts could not be read" />
      {data ? (
        <div className="hubs-grid">
          <Identity info={data} />
          <Storage info={data} />
          <Endpoints info={data} />
          <CaCertificate />
          <ConnectDevice info={data} />
        </div>
      ) : info.error ? null : (
        <p className="muted">Loading…</p>
      )}
    </div>
  );
}
