import type { ConfigurationDocument } from '@outpost/core';
import { useCallback, useState } from 'react';
import { listConfigurations } from '../../api/configurations';
import { useApi } from '../../api/use-api';
import { hrefTo, navigate } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNotice, Notice } from '../../components/ui';
import { ConfigurationForm } from './ConfigurationForm';
import { ConfigurationList } from './ConfigurationList';
import { useLiveReload, usePolling } from './use-live-reload';

/** How often the list is read again for its custom metrics. */
const METRICS_POLL_MS = 5000;

/**
 * Automatic configurations: the list (live: it reloads as configurations and twins change), and for
 * operators `…/new` and `…/<id>` (edit).
 */
export function ConfigurationsSection({ segments }: { segments: string[] }) {
  const { client, can } = useSession();
  const load = useCallback((signal: AbortSignal) => listConfigurations(client, signal), [client]);
  const { data, error, reload } = useApi(load, [load]);
  useLiveReload(
    reload,
    (e) => e.type.startsWith('configuration') || e.type === 'twinConfigurationsChanged',
    1500,
  );
  // Custom metrics follow reported properties, which change too often to reload on each: poll them.
  usePolling(reload, segments.length === 0, METRICS_POLL_MS);
  const [notice, setNotice] = useState<string>();
  const sub = segments[0];

  const saved = (doc: ConfigurationDocument, created: boolean) => {
    setNotice(
      created
        ? `Configuration ${doc.id} created: it targets ${doc.systemMetrics.results.targetedCount ?? 0} devices and is applied as the hub evaluates them.`
        : `Configuration ${doc.id} saved.`,
    );
    reload();
    navigate('configure', 'configurations');
  };

  if (sub !== undefined && can('operator')) {
    if (sub === 'new') return <ConfigurationForm onSaved={saved} />;
    if (!data)
      return error ? <ErrorNotice error={error} title="Configurations could not be read" /> : <p>Loading…</p>;
    const existing = data.find((c) => c.id === sub);
    if (!existing) {
      return (
        <ErrorNotice
          error={new Error(`There is no configuration ${sub} (any more). Go back to the list.`)}
          title="Not found"
        />
      );
    }
    return <ConfigurationForm key={existing.id} existing={existing} onSaved={saved} />;
  }

  return (
    <section aria-labelledby="cfg-list-title">
      <div className="cfg-section-head">
        <h2 id="cfg-list-title">Automatic configurations</h2>
        {can('operator') ? (
          <a className="cfg-button-link" href={hrefTo('configure', 'configurations', 'new')}>
            New configuration
          </a>
        ) : null}
      </div>
      <p className="ops-hint">
        Each configuration sets desired properties on every device its condition matches, and keeps them set
        as devices come and go. Metrics count where it is applied.
      </p>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      <ErrorNotice error={error} title="Configurations could not be read" />
      {data ? (
        <ConfigurationList
          items={data}
          onDeleted={(id) => {
            setNotice(`Configuration ${id} deleted.`);
            reload();
          }}
        />
      ) : null}
      {!data && !error ? <p className="muted">Loading…</p> : null}
    </section>
  );
}
