import type { DeviceIdentity } from '@outpost/core';
import { useId, useState } from 'react';
import { Age, ConnectionBadge } from '../../components/ui';
import { ConnectionString } from './ConnectionString';

const MASK = '•'.repeat(24);

function KeyRow({ label, value, revealed }: { label: string; value: string | null; revealed: boolean }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className="mono key-value">
        {value === null ? (
          <span className="muted">none</span>
        ) : revealed ? (
          value
        ) : (
          <>
            <span className="sr-only">hidden</span>
            <span aria-hidden="true">{MASK}</span>
          </>
        )}
      </dd>
    </>
  );
}

/**
 * Identity and credentials: status, authentication, connection, activity; for operators the SAS
 * keys (masked until revealed) and the device's connection string. Viewers see no key material.
 */
export function IdentityCard({ identity, canOperate }: { identity: DeviceIdentity; canOperate: boolean }) {
  const [revealed, setRevealed] = useState(false);
  const headingId = useId();
  const auth = identity.authentication;
  const sas = auth.type === 'sas';
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Identity and credentials</h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <span className={`badge ${identity.status === 'enabled' ? 'badge-ok' : 'badge-bad'}`}>
            {identity.status}
          </span>
          {identity.statusReason ? <span className="muted"> — {identity.statusReason}</span> : null}
        </dd>
        <dt>Connection</dt>
        <dd>
          <ConnectionBadge state={identity.connectionState} /> <span className="muted small">since </span>
          <Age iso={identity.connectionStateUpdatedTime} />
        </dd>
        <dt>Last activity</dt>
        <dd>
          <Age iso={identity.lastActivityTime} />
        </dd>
        <dt>Authentication</dt>
        <dd>
          {auth.type === 'sas' ? 'Shared access key (sas)' : auth.type}
          {identity.capabilities.iotEdge ? <span className="badge badge-muted">IoT Edge</span> : null}
        </dd>
        {auth.type === 'selfSigned' || auth.type === 'certificateAuthority' ? (
          <>
            <dt>Thumbprints</dt>
            <dd className="mono small">
              {auth.x509Thumbprint.primaryThumbprint ?? '—'}
              <br />
              {auth.x509Thumbprint.secondaryThumbprint ?? '—'}
            </dd>
          </>
        ) : null}
        <dt>Messages queued</dt>
        <dd>{identity.cloudToDeviceMessageCount} cloud-to-device</dd>
        <dt>Generation</dt>
        <dd className="mono small">{identity.generationId}</dd>
        {canOperate && sas ? (
          <>
            <KeyRow label="Primary key" value={auth.symmetricKey.primaryKey} revealed={revealed} />
            <KeyRow label="Secondary key" value={auth.symmetricKey.secondaryKey} revealed={revealed} />
          </>
        ) : null}
      </dl>
      {canOperate && sas ? (
        <>
          <div className="row">
            <button
              type="button"
              className="secondary"
              aria-pressed={revealed}
              onClick={() => setRevealed((r) => !r)}
            >
              {revealed ? 'Hide keys' : 'Reveal keys'}
            </button>
          </div>
          <ConnectionString deviceId={identity.deviceId} />
        </>
      ) : null}
      {!canOperate ? (
        <p className="muted small">Keys and the connection string are shown to operators only.</p>
      ) : null}
    </section>
  );
}
