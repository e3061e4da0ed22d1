import type { ReactNode } from 'react';
import { hrefTo } from '../../app/router';

/** A category of devices (failing, silent): the count, a line on what it means, links to the first ones. */
export function DeviceIdList({
  title,
  count,
  deviceIds,
  explain,
  empty,
  children,
}: {
  title: string;
  count: number;
  deviceIds: readonly string[];
  explain: ReactNode;
  empty: string;
  children?: ReactNode;
}) {
  const shown = deviceIds.slice(0, 40);
  const more = count - shown.length;
  return (
    <section className="card" aria-label={title}>
      <div className="mon-card-head">
        <h2>
          {title} <span className={`badge ${count > 0 ? 'badge-warn' : 'badge-ok'}`}>{count}</span>
        </h2>
        {children}
      </div>
      <p className="muted small">{explain}</p>
      {count === 0 ? (
        <p>{empty}</p>
      ) : (
        <ul className="mon-id-list" aria-label={`${title}: devices`}>
          {shown.map((id) => (
            <li key={id}>
              <a href={hrefTo('devices', id)}>{id}</a>
            </li>
          ))}
          {more > 0 ? <li className="muted">and {more} more</li> : null}
        </ul>
      )}
    </section>
  );
}
