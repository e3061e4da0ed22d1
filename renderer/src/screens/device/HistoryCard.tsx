import type { AuditEntry, ChangeKind } from '@outpost/core';
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { useHubEvents } from '../../api/events';
import { useSession } from '../../app/session';
import { Age, ErrorNotice } from '../../components/ui';
import { type HistoryCursor, mergeNewestFirst, readHistory } from './audit-history';

const KIND_WORDS: Partial<Record<ChangeKind, string>> = {
  deviceCreated: 'Device created',
  deviceUpdated: 'Identity changed',
  deviceDeleted: 'Device deleted',
  twinTagsChanged: 'Tags changed',
  twinDesiredChanged: 'Desired properties changed',
  twinReportedChanged: 'Device reported',
  twinConfigurationsChanged: 'Configurations changed',
  deviceOperationInvoked: 'Operation invoked',
};

const OPERATOR_KINDS = Object.keys(KIND_WORDS).filter((k) => k !== 'twinReportedChanged') as ChangeKind[];
const KEEP = 300;

function patchText(patch: unknown): string {
  const text = JSON.stringify(patch) ?? '';
  return text.length > 140 ? `${text.slice(0, 140)}…` : text;
}

/** The device's audit trail, newest first: who changed what and when; new entries appear live. */
export function HistoryCard({ deviceId }: { deviceId: string }) {
  const { client } = useSession();
  const [operatorOnly, setOperatorOnly] = useState(false);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<HistoryCursor | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();
  const headingId = useId();
  const kinds = useMemo(() => (operatorOnly ? OPERATOR_KINDS : undefined), [operatorOnly]);

  const load = useCallback(
    async (cursor: HistoryCursor | undefined) => {
      setLoading(true);
      setError(undefined);
      try {
        const page = await readHistory(client, deviceId, kinds, cursor);
        // Live entries that arrived while this loaded are merged in by seq, newest first.
        setEntries((old) =>
          mergeNewestFirst(
            cursor ? old : old.filter((e) => !kinds || kinds.includes(e.kind)),
            page.entries,
            KEEP,
          ),
        );
        setNext(page.next);
      } catch (err) {
        setError(err as Error);
      } finally {
        setLoading(false);
      }
    },
    [client, deviceId, kinds],
  );

  useEffect(() => {
    void load(undefined);
  }, [load]);

  useHubEvents((event) => {
    if (!('entry' in event) || event.entry.deviceId !== deviceId) return;
    if (kinds && !kinds.includes(event.entry.kind)) return;
    setEntries((old) => mergeNewestFirst(old, [event.entry], KEEP));
  });

  const older = next !== null && entries.length < KEEP;
  return (
    <section className="card" aria-labelledby={headingId}>
      <div className="card-head">
        <h2 id={headingId}>History</h2>
        <label className="row small inline-check">
          <input type="checkbox" checked={operatorOnly} onChange={(e) => setOperatorOnly(e.target.checked)} />
          Hide the device's own reports
        </label>
      </div>
      <ErrorNotice error={error} title="The history could not be loaded" />
      {entries.length === 0 && !loading && !error ? (
        <p className="muted">No changes recorded for this device.</p>
      ) : null}
      {entries.length ? (
        <div className="history-scroll">
          <table className="history-table" aria-label="Audit history of this device">
            <colgroup>
              <col className="history-when" />
              <col className="history-who" />
              <col className="history-what" />
              <col />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq}>
                  <td className="nowrap">
                    <Age iso={e.at} />
                  </td>
                  <td className="nowrap">
                    {e.actor.type} {e.actor.id}
                  </td>
                  <td className="nowrap" title={e.kind}>
                    {KIND_WORDS[e.kind] ?? e.kind}
                  </td>
                  <td className="mono small history-patch">
                    <details>
                      <summary>{patchText(e.patch)}</summary>
                      <pre className="json">{JSON.stringify(e.patch, null, 2)}</pre>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {loading ? <p className="muted small">Loading history…</p> : null}
      {older && !loading ? (
        <button type="button" className="secondary" onClick={() => void load(next ?? undefined)}>
          Load older changes
        </button>
      ) : null}
    </section>
  );
}
