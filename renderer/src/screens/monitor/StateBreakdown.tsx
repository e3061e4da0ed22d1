/** A count per state, as a table with a bar per row (the bar is decoration; the number is the fact). */
export function StateBreakdown({
  title,
  column,
  counts,
  total,
  tone,
}: {
  title: string;
  column: string;
  counts: Record<string, number>;
  total: number;
  tone?: (key: string) => 'ok' | 'warn' | 'bad' | 'muted';
}) {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      {rows.length === 0 ? (
        <p className="muted">No devices.</p>
      ) : (
        <table className="mon-breakdown">
          <thead>
            <tr>
              <th scope="col">{column}</th>
              <th scope="col" className="mon-num">
                Devices
              </th>
              <th scope="col">
                <span className="sr-only">Share</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([key, n]) => (
              <tr key={key}>
                <td>{key}</td>
                <td className="mon-num">{n}</td>
                <td className="mon-bar-cell" aria-hidden="true">
                  <span
                    className={`mon-bar mon-bar-${tone?.(key) ?? 'muted'}`}
                    style={{ width: `${total > 0 ? Math.max(2, (n / total) * 100) : 0}%` }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
