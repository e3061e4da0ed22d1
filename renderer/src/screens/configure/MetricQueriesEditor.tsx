import { MAX_METRICS, type MetricRow } from './configuration-draft';

/** Up to five named custom metric queries, each counted as the rows it returns; errors in place. */
export function MetricQueriesEditor(props: {
  rows: MetricRow[];
  onChange(rows: MetricRow[]): void;
  errors: Record<string, string>;
  problem?: string | undefined;
  disabled?: boolean;
}) {
  const { rows, onChange, errors } = props;
  const update = (key: number, patch: Partial<MetricRow>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const add = () =>
    onChange([...rows, { key: Math.max(-1, ...rows.map((r) => r.key)) + 1, name: '', query: '' }]);
  return (
    <fieldset className="ops-fieldset">
      <legend>Custom metrics (optional)</legend>
      <p className="ops-hint">
        Each metric counts the devices its query returns, e.g. <code>applied</code> ={' '}
        <code>SELECT deviceId FROM devices WHERE properties.reported.telemetryInterval = 30</code>.
      </p>
      {rows.map((r, i) => {
        const error = errors[r.name.trim()];
        return (
          <div key={r.key} className="cfg-metric-row">
            <div className="ops-field">
              <label htmlFor={`metric-name-${r.key}`}>Metric {i + 1} name</label>
              <input
                id={`metric-name-${r.key}`}
                value={r.name}
                onChange={(e) => update(r.key, { name: e.target.value })}
                disabled={props.disabled}
              />
            </div>
            <div className="ops-field">
              <label htmlFor={`metric-query-${r.key}`}>Metric {i + 1} query</label>
              <input
                id={`metric-query-${r.key}`}
                value={r.query}
                onChange={(e) => update(r.key, { query: e.target.value })}
                spellCheck={false}
                disabled={props.disabled}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `metric-error-${r.key}` : undefined}
              />
              {error ? (
                <div id={`metric-error-${r.key}`} className="ops-field-error">
                  {error}
                </div>
              ) : null}
            </div>
            <button
              type="button"
              className="secondary cfg-metric-remove"
              onClick={() => onChange(rows.filter((x) => x.key !== r.key))}
              disabled={props.disabled}
            >
              Remove metric {i + 1}
            </button>
          </div>
        );
      })}
      {props.problem ? (
        <div className="ops-field-error" role="alert">
          {props.problem}
        </div>
      ) : null}
      {rows.length < MAX_METRICS ? (
        <button type="button" className="secondary" onClick={add} disabled={props.disabled}>
          Add a metric
        </button>
      ) : (
        <p className="ops-hint">A configuration has at most {MAX_METRICS} custom metrics.</p>
      )}
    </fieldset>
  );
}
