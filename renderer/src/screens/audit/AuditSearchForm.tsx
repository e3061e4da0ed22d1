import { changeKindSchema } from '@outpost/core/contracts';
import { type FormEvent, useState } from 'react';
import { type AuditSearch, EMPTY_SEARCH } from '../../api/audit';

const KINDS = changeKindSchema.options;

/** The search fields; a search is applied on submit (Enter or the button), not per keystroke. */
export function AuditSearchForm({
  initial,
  onSearch,
}: {
  initial: AuditSearch;
  onSearch: (search: AuditSearch) => void;
}) {
  const [draft, setDraft] = useState(initial);
  const set = (key: keyof AuditSearch, value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(draft);
  };
  return (
    <search className="card aud-search" aria-label="Search the audit trail">
      <form onSubmit={submit}>
        <div className="aud-fields">
          <label>
            Device id
            <input
              value={draft.deviceId}
              onChange={(e) => set('deviceId', e.target.value)}
              placeholder="exact, e.g. demo-00001"
              spellCheck={false}
            />
          </label>
          <label>
            Actor
            <input
              value={draft.actor}
              onChange={(e) => set('actor', e.target.value)}
              placeholder="alice or user:alice"
              spellCheck={false}
            />
          </label>
          <label>
            Kind
            <select value={draft.kind} onChange={(e) => set('kind', e.target.value)}>
              <option value="">any kind</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <label className="aud-text">
            Text
            <input
              type="search"
              value={draft.text}
              onChange={(e) => set('text', e.target.value)}
              placeholder="words in the record, actor or change"
            />
          </label>
        </div>
        <div className="row">
          <button type="submit">Search</button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setDraft(EMPTY_SEARCH);
              onSearch(EMPTY_SEARCH);
            }}
          >
            Clear search
          </button>
        </div>
      </form>
    </search>
  );
}
