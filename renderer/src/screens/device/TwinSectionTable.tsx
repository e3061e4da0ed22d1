import { isObject, leafText, sectionLeaves } from '../../api/twins';
import { Age } from '../../components/ui';

// A leaf updated this recently is highlighted, so a live change catches the eye.
const FRESH_MS = 10_000;

/** A twin section as a table of leaves: property path, JSON value, and how long ago it changed. */
export function TwinSectionTable({
  label,
  section,
  showAges,
}: {
  label: string;
  section: Record<string, unknown> | undefined;
  /** desired and reported carry `$metadata`; tags do not. */
  showAges: boolean;
}) {
  const leaves = sectionLeaves(section ?? {}, isObject(section) ? section.$metadata : undefined);
  if (leaves.length === 0) return <p className="muted small">No {label.toLowerCase()}.</p>;
  const now = Date.now();
  return (
    <table className="twin-table" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Property</th>
          <th scope="col">Value</th>
          {showAges ? <th scope="col">Updated</th> : null}
        </tr>
      </thead>
      <tbody>
        {leaves.map((leaf) => {
          const path = leaf.path.join('.');
          const fresh = leaf.lastUpdated !== undefined && now - Date.parse(leaf.lastUpdated) < FRESH_MS;
          return (
            <tr key={`${path}@${leaf.lastUpdated ?? ''}`} className={fresh ? 'leaf-fresh' : undefined}>
              <th scope="row" className="mono twin-path">
                {path}
              </th>
              <td className="mono twin-value">{leafText(leaf.value)}</td>
              {showAges ? (
                <td className="twin-age">
                  <Age iso={leaf.lastUpdated} />
                </td>
              ) : null}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
