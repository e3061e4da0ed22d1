import type { ConfigurationDocument } from '@outpost/core';
import { useState } from 'react';
import { deleteConfiguration } from '../../api/configurations';
import { hrefTo } from '../../app/router';
import { useSession } from '../../app/session';
import { Age, ErrorNotice, ProgressBar } from '../../components/ui';
import { desiredOf } from './configuration-draft';

/** Precedence order: higher priority first, then the newest (the hub's tie-break), then id. */
function byPrecedence(a: ConfigurationDocument, b: ConfigurationDocument): number {
  return (
    b.priority - a.priority || b.createdTimeUtc.localeCompare(a.createdTimeUtc) || a.id.localeCompare(b.id)
  );
}

/** The configurations as a table: what each sets, where, and how far it got; operators edit and delete. */
export function ConfigurationList({
  items,
  onDeleted,
}: {
  items: ConfigurationDocument[];
  onDeleted(id: string): void;
}) {
  const { can } = useSession();
  const sorted = [...items].sort(byPrecedence);
  if (!sorted.length) {
    return (
      <p className="muted">
        No automatic configurations yet.
        {can('operator') ? ' Create one to set desired properties on every device a condition matches.' : ''}
      </p>
    );
  }
  return (
    <div className="ops-table-wrap">
      <table className="cfg-table">
        <caption className="sr-only">Automatic configurations, highest priority first</caption>
        <thead>
          <tr>
            <th scope="col">Configuration</th>
            <th scope="col">Priority</th>
            <th scope="col">Target condition</th>
            <th scope="col">Sets desired</th>
            <th scope="col">Applied / targeted</th>
            <th scope="col">Custom metrics</th>
            {can('operator') ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {sorted.map((c) => (
            <ConfigurationRow key={c.id} config={c} onDeleted={onDeleted} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ConfigurationRow({
  config: c,
  onDeleted,
}: {
  config: ConfigurationDocument;
  onDeleted(id: string): void;
}) {
  const { client, can } = useSession();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const targeted = c.systemMetrics.results.targetedCount ?? 0;
  const applied = c.systemMetrics.results.appliedCount ?? 0;
  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await deleteConfiguration(client, c.id, c.etag);
      onDeleted(c.id);
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  };
  return (
    <>
      <tr>
        <th scope="row" className="cfg-id-cell">
          <span className="mono">{c.id}</span>
          <div className="muted small">
            updated <Age iso={c.lastUpdatedTimeUtc} />
          </div>
          {Object.keys(c.labels).length ? (
            <div className="cfg-labels">
              {Object.entries(c.labels).map(([k, v]) => (
                <span key={k} className="badge badge-muted">
                  {k}: {v}
                </span>
              ))}
            </div>
          ) : null}
        </th>
        <td>{c.priority}</td>
        <td>
          <code className="cfg-condition">{c.targetCondition}</code>
        </td>
        <td>
          <ul className="cfg-kv">
            {Object.entries(desiredOf(c.content.deviceContent)).map(([k, v]) => (
              <li key={k}>
                <code>
                  {k}: {JSON.stringify(v)}
                </code>
              </li>
            ))}
          </ul>
        </td>
        <td className="cfg-applied">
          <ProgressBar value={applied} max={targeted} label={`Devices where ${c.id} is applied`} />
          <div className="muted small">
            {applied} applied of {targeted} targeted
          </div>
        </td>
        <td>
          {Object.keys(c.metrics.queries).length ? (
            <ul className="cfg-kv">
              {Object.entries(c.metrics.queries).map(([name, q]) => (
                <li key={name} title={q}>
                  {name}: <strong>{c.metrics.results[name] ?? '–'}</strong>
                </li>
              ))}
            </ul>
          ) : (
            <span className="muted">none</span>
          )}
        </td>
        {can('operator') ? (
          <td className="cfg-actions">
            <a href={hrefTo('configure', 'configurations', c.id)} aria-label={`Edit ${c.id}`}>
              Edit
            </a>
            <button
              type="button"
              className="secondary"
              onClick={() => setConfirming(true)}
              aria-label={`Delete ${c.id}`}
            >
              Delete
            </button>
          </td>
        ) : null}
      </tr>
      {confirming ? (
        <tr className="cfg-confirm-row">
          <td colSpan={7}>
            <div role="alertdialog" aria-labelledby={`del-${c.id}`} className="cfg-confirm">
              <p id={`del-${c.id}`}>
                Delete <strong>{c.id}</strong>? The desired properties it set are removed from the {targeted}{' '}
                devices it targets, unless another configuration sets them.
              </p>
              <ErrorNotice error={error} title="The configuration was not deleted" />
              <div className="ops-actions">
                <button type="button" className="danger" onClick={() => void remove()} disabled={busy}>
                  {busy ? 'Deleting…' : `Delete ${c.id}`}
                </button>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => setConfirming(false)}
                  disabled={busy}
                >
                  Keep it
                </button>
              </div>
            </div>
          </td>
        </tr>
      ) : null}
    </>
  );
}
