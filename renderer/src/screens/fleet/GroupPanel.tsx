import { type FormEvent, useEffect, useId, useState } from 'react';
import { PATH_RE } from '../../api/device-query';
import { ErrorNotice } from '../../components/ui';

/** Paths offered in the group-by box; any property path may be typed. */
export const GROUP_PATHS = [
  'tags.site',
  'tags.type',
  'tags.floor',
  'connectionState',
  'status',
  'properties.reported.status',
  'properties.reported.rebootStatus.status',
] as const;

/** One group: the value of the path (undefined for the devices lacking it) and its device count. */
export interface Group {
  value: unknown;
  count: number;
}

/** How a group value reads on its button. */
export function groupLabel(value: unknown): string {
  if (value === undefined) return '(not set)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Encodes a group value for the URL (`~` for the group lacking the path). */
export function encodeGroupValue(value: unknown): string {
  return value === undefined ? '~' : JSON.stringify(value);
}

/** Decodes a group value of the URL; undefined (no filter) when absent or damaged. */
export function decodeGroupValue(raw: string | null): { value: unknown } | undefined {
  if (raw === null) return undefined;
  if (raw === '~') return { value: undefined };
  try {
    return { value: JSON.parse(raw) };
  } catch {
    return undefined;
  }
}

/**
 * Group by a property path: the groups of the current query with their counts (a GROUP BY query),
 * each a toggle button that filters the list to its devices.
 */
export function GroupPanel({
  path,
  groups,
  loading,
  error,
  selected,
  disabledReason,
  onPath,
  onSelect,
}: {
  path: string;
  groups: Group[] | undefined;
  loading: boolean;
  error: Error | undefined;
  /** The group the list is filtered to, if any. */
  selected: { value: unknown } | undefined;
  /** Set when the current query cannot be grouped (it groups or projects itself). */
  disabledReason: string | undefined;
  onPath(path: string): void;
  onSelect(group: { value: unknown } | undefined): void;
}) {
  const [draft, setDraft] = useState(path);
  const [invalid, setInvalid] = useState(false);
  const listId = useId();
  const headingId = useId();
  useEffect(() => setDraft(path), [path]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = draft.trim();
    if (next !== '' && !PATH_RE.test(next)) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    onPath(next);
  };
  const total = groups?.reduce((sum, g) => sum + g.count, 0) ?? 0;
  const selectedKey = selected ? encodeGroupValue(selected.value) : undefined;

  return (
    <section className="card fleet-groups" aria-labelledby={headingId}>
      <h2 id={headingId}>Group by</h2>
      <form className="fleet-group-form" onSubmit={submit}>
        <label>
          Property path
          <input
            className="mono"
            list={listId}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="tags.site"
            aria-invalid={invalid || undefined}
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <datalist id={listId}>
          {GROUP_PATHS.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <div className="row">
          <button type="submit" className="secondary">
            Group
          </button>
          {path ? (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setDraft('');
                onPath('');
              }}
            >
              Ungroup
            </button>
          ) : null}
        </div>
      </form>
      {invalid ? (
        <p className="notice notice-error small" role="alert">
          {draft} is not a property path. Write it like <code>tags.site</code> or{' '}
          <code>properties.reported.fw</code>; keys with other characters as <code>tags.[[my-key]]</code>.
        </p>
      ) : null}
      {disabledReason && path ? <p className="muted small">{disabledReason}</p> : null}
      <ErrorNotice error={error} title="The groups could not be counted" />
      {path && groups && !disabledReason ? (
        <ul className="fleet-group-list" aria-label={`Groups of ${path}`}>
          <li>
            <button
              type="button"
              className="group-button"
              aria-pressed={selectedKey === undefined}
              onClick={() => onSelect(undefined)}
            >
              <span>All</span>
              <span className="group-count">{total.toLocaleString()}</span>
            </button>
          </li>
          {groups.map((g) => {
            const key = encodeGroupValue(g.value);
            const pct = total ? Math.round((g.count / total) * 100) : 0;
            return (
              <li key={key}>
                <button
                  type="button"
                  className="group-button"
                  aria-pressed={selectedKey === key}
                  onClick={() => onSelect(selectedKey === key ? undefined : { value: g.value })}
                >
                  <span className="group-name">{groupLabel(g.value)}</span>
                  <span className="group-count">{g.count.toLocaleString()}</span>
                  <span className="group-bar" aria-hidden="true" style={{ width: `${pct}%` }} />
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      {path && loading && !groups ? <p className="muted small">Counting…</p> : null}
    </section>
  );
}
