import type { ArchivedDevice } from '@outpost/core';
import { Age, ErrorNotice, JsonView } from '../../components/ui';

/** Retired devices, each with who archived it when, its tags and (on demand) its twin as it was. */
export function ArchiveList({
  items,
  error,
  highlight,
}: {
  items: ArchivedDevice[] | undefined;
  error: Error | undefined;
  highlight?: string | undefined;
}) {
  return (
    <section aria-labelledby="archive-title" className="ret-archive">
      <h2 id="archive-title">Archived devices</h2>
      <p className="ops-hint">
        Deleted devices, kept with their last twin (<code>GET /api/v1/archive/devices</code>). Keys are not
        kept.
      </p>
      <ErrorNotice error={error} title="The archive could not be read" />
      {items && items.length === 0 ? <p className="muted">No device has been archived.</p> : null}
      {items?.length ? (
        <div className="ops-table-wrap">
          <table>
            <caption className="sr-only">Archived devices</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Archived</th>
                <th scope="col">By</th>
                <th scope="col">Last status</th>
                <th scope="col">Tags</th>
                <th scope="col">Twin</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.deviceId} className={a.deviceId === highlight ? 'ret-highlight' : undefined}>
                  <th scope="row" className="mono">
                    {a.deviceId}
                  </th>
                  <td>
                    <Age iso={a.archivedTime} />
                  </td>
                  <td>
                    {a.archivedBy.id} <span className="muted small">({a.archivedBy.type})</span>
                  </td>
                  <td>
                    {a.identity.status}
                    {a.identity.statusReason ? (
                      <div className="muted small">{a.identity.statusReason}</div>
                    ) : null}
                  </td>
                  <td>
                    <code className="ret-tags">{JSON.stringify(a.twin.tags)}</code>
                  </td>
                  <td>
                    <details>
                      <summary>Show twin</summary>
                      <JsonView value={a.twin} label={`Archived twin of ${a.deviceId}`} />
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
