import type { AuditEntry } from '@outpost/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type AuditSearch, fetchAuditPage } from '../../api/audit';
import { useHubEvents } from '../../api/events';
import { useSession } from '../../app/session';
import { ErrorNotice, PageHeader } from '../../components/ui';
import type { ScreenProps } from '../registry';
import { AuditSearchForm } from './AuditSearchForm';
import { AuditTable } from './AuditTable';
import { matchesSearch, queryOfSearch, searchFromQuery } from './audit-match';
import './audit.css';

// Live entries are prepended; past this many the oldest shown are dropped (load older brings them back).
const MAX_SHOWN = 2000;

/** Audit: who did what, when, to which record; searched on the hub, paged back, new entries live. */
export function AuditScreen({ route }: ScreenProps) {
  const { client } = useSession();
  const search = searchFromQuery(route.query);
  const searchKey = queryOfSearch(search);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();
  const [live, setLive] = useState(true);
  const [fresh, setFresh] = useState<ReadonlySet<number>>(new Set());
  const generation = useRef(0);

  const load = useCallback(
    async (before: number | undefined) => {
      const mine = ++generation.current;
      setLoading(true);
      setError(undefined);
      try {
        const page = await fetchAuditPage(client, searchFromQuery(new URLSearchParams(searchKey)), before);
        if (mine !== generation.current) return;
        setEntries((old) => {
          const base = before === undefined ? [] : old;
          const seen = new Set(base.map((e) => e.seq));
          return [...base, ...page.items.filter((e) => !seen.has(e.seq))];
        });
        setNextBefore(page.nextBeforeSeq ?? null);
      } catch (err) {
        if (mine === generation.current) setError(err as Error);
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [client, searchKey],
  );

  useEffect(() => {
    setFresh(new Set());
    void load(undefined);
  }, [load]);

  useHubEvents((event) => {
    if (!live || !('entry' in event) || !matchesSearch(event.entry, search)) return;
    const entry = event.entry;
    setEntries((old) => (old.some((e) => e.seq === entry.seq) ? old : [entry, ...old].slice(0, MAX_SHOWN)));
    setFresh((old) => new Set(old).add(entry.seq));
  });

  const apply = (next: AuditSearch) => {
    window.location.hash = `#/audit${queryOfSearch(next)}`;
  };
  const searching = searchKey !== '';

  return (
    <div className="aud">
      <PageHeader title="Audit">
        <label className="aud-live">
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} />
          Add new entries as they happen
        </label>
      </PageHeader>
      <AuditSearchForm key={searchKey} initial={search} onSearch={apply} />
      <ErrorNotice error={error} title="The audit trail could not be read" />
      <p className="muted" role="status" aria-live="polite">
        {loading && entries.length === 0
          ? 'Searching…'
          : `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}${searching ? ' match the search' : ''}, newest first.`}
      </p>
      {entries.length > 0 ? <AuditTable entries={entries} freshSeqs={fresh} /> : null}
      {!loading && entries.length === 0 && !error ? (
        <p className="notice notice-info">
          {searching
            ? 'Nothing in the retained audit trail matches. Check the device id (it must be exact) or search by text.'
            : 'The audit trail is empty.'}
        </p>
      ) : null}
      <div className="row aud-more">
        {nextBefore !== null ? (
          <button
            type="button"
            className="secondary"
            disabled={loading}
            onClick={() => void load(nextBefore)}
          >
            {loading ? 'Loading…' : 'Load older entries'}
          </button>
        ) : entries.length > 0 && !loading ? (
          <span className="muted">That is the oldest entry the hub still keeps.</span>
        ) : null}
      </div>
    </div>
  );
}
