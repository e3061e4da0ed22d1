import type { AuditEntry } from '@outpost/core';
import { Fragment, useState } from 'react';
import { hrefTo } from '../../app/router';
import { Age, JsonView } from '../../components/ui';

function Actor({ actor }: { actor: AuditEntry['actor'] }) {
  return (
    <span>
      {actor.id} <span className="muted small">({actor.type})</span>
    </span>
  );
}

function Row({ entry, fresh }: { entry: AuditEntry; fresh: boolean }) {
  const [open, setOpen] = useState(false);
  const detailsId = `audit-${entry.seq}`;
  const hasPatch = entry.patch !== undefined && entry.patch !== null;
  return (
    <Fragment>
      <tr className={fresh ? 'aud-fresh' : undefined}>
        <td className="aud-time">
          <Age iso={entry.at} />
          <div className="muted small">{new Date(entry.at).toLocaleString()}</div>
        </td>
        <td>
          <Actor actor={entry.actor} />
        </td>
        <td>
          <code>{entry.kind}</code>
        </td>
        <td className="aud-record">
          {entry.deviceId ? <a href={hrefTo('devices', entry.deviceId)}>{entry.deviceId}</a> : entry.id}
        </td>
        <td className="aud-seq muted">{entry.seq}</td>
        <td>
          {hasPatch ? (
            <button
              type="button"
              className="secondary aud-toggle"
              aria-expanded={open}
              aria-controls={detailsId}
              onClick={() => setOpen((o) => !o)}
            >
              {open ? 'Hide' : 'Show'} <span className="sr-only">change {entry.seq}</span> details
            </button>
          ) : (
            <span className="muted small">no details</span>
          )}
        </td>
      </tr>
      {open ? (
        <tr id={detailsId} className="aud-details">
          <td colSpan={6}>
            <JsonView value={entry.patch} label={`What change ${entry.seq} did`} />
            {entry.origin ? <div className="muted small">Made on hub {entry.origin}</div> : null}
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

/** Audit entries, newest first; each expands to its patch. */
export function AuditTable({
  entries,
  freshSeqs,
}: {
  entries: readonly AuditEntry[];
  freshSeqs: ReadonlySet<number>;
}) {
  return (
    <table className="aud-table" aria-label="Audit entries, newest first">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Actor</th>
          <th scope="col">Kind</th>
          <th scope="col">Record</th>
          <th scope="col">Seq</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <Row key={e.seq} entry={e} fresh={freshSeqs.has(e.seq)} />
        ))}
      </tbody>
    </table>
  );
}
