import type { TwinDocument } from '@outpost/core';
import { hrefTo } from '../../app/router';
import { ConnectionBadge } from '../../components/ui';

/** The chosen device at a glance: status (and why), credentials, connection, tags. */
export function SelectedDevice({ twin, statusReason }: { twin: TwinDocument; statusReason?: string | null }) {
  const auth =
    twin.authenticationType === 'sas'
      ? 'SAS keys'
      : twin.authenticationType === 'none'
        ? 'none (credentials revoked)'
        : `X.509 (${twin.authenticationType})`;
  return (
    <section className="card ret-selected" aria-label={`Device ${twin.deviceId}`}>
      <div className="ret-selected-head">
        <strong className="mono">{twin.deviceId}</strong>
        <span className={`badge ${twin.status === 'enabled' ? 'badge-ok' : 'badge-bad'}`}>{twin.status}</span>
        <ConnectionBadge state={twin.connectionState} />
        <a href={hrefTo('devices', twin.deviceId)}>Device page</a>
      </div>
      <dl className="ret-facts">
        {twin.status === 'disabled' ? (
          <>
            <dt>Disabled because</dt>
            <dd>{statusReason || 'no reason given'}</dd>
          </>
        ) : null}
        <dt>Credentials</dt>
        <dd>{auth}</dd>
        <dt>Tags</dt>
        <dd>
          <code>{Object.keys(twin.tags).length ? JSON.stringify(twin.tags) : 'none'}</code>
        </dd>
      </dl>
    </section>
  );
}
