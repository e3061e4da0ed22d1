import { type LeafChange, leafText } from '../../api/twins';

const WORDS: Record<LeafChange['kind'], string> = { added: 'Added', changed: 'Changed', removed: 'Removed' };

/** The leaves an edit adds, changes and removes, shown before the operator confirms it. */
export function TwinDiff({ changes, section }: { changes: LeafChange[]; section: string }) {
  const counts = { added: 0, changed: 0, removed: 0 };
  for (const c of changes) counts[c.kind] += 1;
  return (
    <div className="twin-diff">
      <p>
        {counts.added} added, {counts.changed} changed, {counts.removed} removed in {section}:
      </p>
      <table aria-label={`Changes to ${section}`}>
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col">Property</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={`${c.kind}:${c.path.join('.')}`} className={`diff-${c.kind}`}>
              <td>
                <span className={`badge diff-badge-${c.kind}`}>{WORDS[c.kind]}</span>
              </td>
              <th scope="row" className="mono">
                {c.path.join('.')}
              </th>
              <td className="mono diff-before">{c.kind === 'added' ? '—' : leafText(c.before)}</td>
              <td className="mono diff-after">{c.kind === 'removed' ? '—' : leafText(c.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
