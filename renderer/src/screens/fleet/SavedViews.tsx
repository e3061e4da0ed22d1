import { type FormEvent, useId, useState } from 'react';
import { readViews, type SavedView, upsertView, viewsKey, writeViews } from './saved-views';

/** The URL of the Fleet screen showing `query` grouped by `groupBy`. */
export function fleetHref(query: string, groupBy: string, groupValue?: string): string {
  const params = new URLSearchParams();
  if (query.trim()) params.set('q', query.trim());
  if (groupBy) params.set('g', groupBy);
  if (groupBy && groupValue !== undefined) params.set('gv', groupValue);
  const qs = params.toString();
  return `#/fleet${qs ? `?${qs}` : ''}`;
}

/**
 * Saved views: the current query and grouping under a name, each a link that applies it (so a view
 * opens in a new tab too) and a button that removes it. Kept in this browser, per hub.
 */
export function SavedViews({ hubUrl, query, groupBy }: { hubUrl: string; query: string; groupBy: string }) {
  const key = viewsKey(hubUrl);
  const [views, setViews] = useState<SavedView[]>(() => readViews(key));
  const [name, setName] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const headingId = useId();

  const store = (next: SavedView[], text: string) => {
    try {
      writeViews(key, next);
      setViews(next);
      setMessage({ kind: 'ok', text });
    } catch (err) {
      setMessage({
        kind: 'error',
        text: `The views could not be stored in this browser (${(err as Error).message}). Free some site storage and try again.`,
      });
    }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setMessage({ kind: 'error', text: 'Give the view a name first.' });
      return;
    }
    const replaced = views.some((v) => v.name === trimmed);
    store(
      upsertView(views, { name: trimmed, query: query.trim(), groupBy }),
      replaced ? `View ${trimmed} updated.` : `View ${trimmed} added.`,
    );
    setName('');
  };

  return (
    <section className="card fleet-views" aria-labelledby={headingId}>
      <h2 id={headingId}>Saved views</h2>
      {views.length === 0 ? (
        <p className="muted small">None yet: name the current query and grouping to keep it here.</p>
      ) : (
        <ul className="fleet-view-list">
          {views.map((v) => (
            <li key={v.name}>
              <a href={fleetHref(v.query, v.groupBy)} title={v.query || 'every device'}>
                {v.name}
              </a>
              <button
                type="button"
                className="secondary small-button"
                aria-label={`Remove view ${v.name}`}
                onClick={() =>
                  store(
                    views.filter((x) => x.name !== v.name),
                    `View ${v.name} removed.`,
                  )
                }
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="fleet-view-form" onSubmit={add}>
        <label>
          View name
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} />
        </label>
        <button type="submit" className="secondary">
          Add view
        </button>
      </form>
      {message ? (
        <p
          className={`small ${message.kind === 'error' ? 'notice notice-error' : 'muted'}`}
          role={message.kind === 'error' ? 'alert' : 'status'}
        >
          {message.text}
        </p>
      ) : null}
    </section>
  );
}
