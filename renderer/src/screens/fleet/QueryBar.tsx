import { type FormEvent, useEffect, useId, useState } from 'react';
import { EXAMPLE_QUERIES, errorPosition } from '../../api/device-query';
import { HubApiError } from '../../api/http';
import { ErrorNotice } from '../../components/ui';

/**
 * The query bar: a full IoT Hub query or just a WHERE condition, example queries to pick from, and
 * the hub's answer to a bad query in place, with a marker under the part it points at.
 */
export function QueryBar({
  value,
  sent,
  error,
  onRun,
}: {
  /** The query of the URL (what the list shows). */
  value: string;
  /** The full query text the hub received (a bare condition is sent as `SELECT * … WHERE …`). */
  sent: string;
  error: Error | undefined;
  onRun(text: string): void;
}) {
  const [draft, setDraft] = useState(value);
  const listId = useId();
  const inputId = useId();
  const helpId = useId();
  useEffect(() => setDraft(value), [value]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onRun(draft);
  };
  const badQuery = error instanceof HubApiError && error.status === 400;
  const position = badQuery ? errorPosition(error.message) : undefined;

  return (
    <search className="card fleet-query" aria-label="Find devices">
      <form onSubmit={submit}>
        <label htmlFor={inputId}>Device query</label>
        <div className="fleet-query-row">
          <input
            id={inputId}
            className="mono fleet-query-input"
            list={listId}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="SELECT * FROM devices WHERE tags.site = 'lisbon'   (or just: tags.site = 'lisbon')"
            aria-describedby={helpId}
            aria-invalid={badQuery || undefined}
            spellCheck={false}
            autoComplete="off"
          />
          <datalist id={listId}>
            {EXAMPLE_QUERIES.map((ex) => (
              <option key={ex.query} value={ex.query} label={ex.label} />
            ))}
          </datalist>
          <button type="submit">Run query</button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setDraft('');
              onRun('');
            }}
          >
            Clear
          </button>
        </div>
        <div className="fleet-query-help row">
          <span id={helpId} className="muted small">
            IoT Hub query language: <code>SELECT … FROM devices [WHERE …] [GROUP BY …]</code>, or only the
            condition.
          </span>
          <label className="fleet-examples small">
            <span className="sr-only">Example queries</span>
            <select
              value=""
              onChange={(e) => {
                if (e.target.value) setDraft(e.target.value);
              }}
            >
              <option value="">Examples…</option>
              {EXAMPLE_QUERIES.map((ex) => (
                <option key={ex.query} value={ex.query}>
                  {ex.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        {error ? (
          <div className="fleet-query-error">
            <ErrorNotice
              error={error}
              title={badQuery ? 'The hub refused the query' : 'The devices could not be loaded'}
            />
            {position !== undefined ? <QueryMarker text={sent} position={position} /> : null}
            {badQuery ? (
              <p className="small muted">
                Fix the marked part and run the query again; pick an example to start from a working query.
              </p>
            ) : null}
          </div>
        ) : null}
      </form>
    </search>
  );
}

/** The query as the hub read it, with a caret under the position its error names. */
function QueryMarker({ text, position }: { text: string; position: number }) {
  const at = Math.min(position, text.length);
  return (
    <figure className="query-marker">
      <figcaption className="sr-only">
        The hub read the query as {text}; the error is at character {at + 1}.
      </figcaption>
      <pre aria-hidden="true">
        {text}
        {'\n'}
        {' '.repeat(at)}^
      </pre>
    </figure>
  );
}
