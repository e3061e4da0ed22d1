import type { TwinDocument } from '@outpost/core';
import { useEffect, useState } from 'react';
import { searchDevices } from '../../api/lifecycle';
import { hrefTo } from '../../app/router';
import { useSession } from '../../app/session';
import { ConnectionBadge, ErrorNotice } from '../../components/ui';
import { useLiveReload } from '../configure/use-live-reload';

/** Most matches listed. */
const MAX_MATCHES = 12;

/** Search devices by id (debounced) and pick one: each match links to `#/retire/<id>`. */
export function DevicePicker({ selected }: { selected: string | undefined }) {
  const { client } = useSession();
  const [text, setText] = useState('');
  const [found, setFound] = useState<{ rows: TwinDocument[]; truncated: boolean }>();
  const [error, setError] = useState<Error>();
  // Status and connection badges follow the hub: registry changes and (dis)connections search again.
  const [tick, setTick] = useState(0);
  useLiveReload(
    () => setTick((t) => t + 1),
    (e) => e.type.startsWith('device') && e.type !== 'deviceOperationInvoked',
    1000,
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick searches again after a hub event
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      searchDevices(client, text, MAX_MATCHES, controller.signal)
        .then((r) => {
          setFound(r);
          setError(undefined);
        })
        .catch((err: Error) => {
          if (!controller.signal.aborted) setError(err);
        });
    }, 300);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [client, text, tick]);

  return (
    <div className="ret-picker">
      <div className="ops-field">
        <label htmlFor="retire-search">Search devices by id</label>
        <input
          id="retire-search"
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="e.g. therm or demo-0004"
          autoComplete="off"
          spellCheck={false}
          aria-describedby="retire-search-hint"
        />
        <div id="retire-search-hint" className="ops-hint">
          Matches ids containing the text (case-sensitive).
        </div>
      </div>
      <ErrorNotice error={error} title="The search failed" />
      {found ? (
        found.rows.length ? (
          <ul className="ret-matches" aria-label="Matching devices">
            {found.rows.map((t) => (
              <li key={t.deviceId}>
                <a
                  href={hrefTo('retire', t.deviceId)}
                  aria-current={t.deviceId === selected ? 'true' : undefined}
                  className="ret-match"
                >
                  <span className="mono">{t.deviceId}</span>
                  <span className={`badge ${t.status === 'enabled' ? 'badge-ok' : 'badge-bad'}`}>
                    {t.status}
                  </span>
                  <ConnectionBadge state={t.connectionState} />
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No device id contains “{text}”.</p>
        )
      ) : null}
      {found?.truncated ? (
        <p className="ops-hint">Showing the first {MAX_MATCHES}: type more of the id.</p>
      ) : null}
    </div>
  );
}
