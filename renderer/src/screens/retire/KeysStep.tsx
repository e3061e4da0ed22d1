import type { DeviceIdentity } from '@outpost/core';
import { useState } from 'react';
import { revokeCredentials, rotateKeys } from '../../api/lifecycle';
import { useSession } from '../../app/session';
import { ConnectionStringBox } from '../../components/connection-string-box';
import { Notice } from '../../components/ui';
import { ConfirmPanel } from './ConfirmPanel';

/** Rotate the SAS keys (new connection string) or revoke every credential; each after a confirmation. */
export function KeysStep({ identity, onDone }: { identity: DeviceIdentity; onDone(): void }) {
  const { client } = useSession();
  const id = identity.deviceId;
  const type = identity.authentication.type;
  const [confirming, setConfirming] = useState<'rotate' | 'revoke'>();
  const [result, setResult] = useState<'rotated' | 'revoked'>();
  const [version, setVersion] = useState(0);
  const x509 = type === 'selfSigned' || type === 'certificateAuthority';

  return (
    <div>
      {result === 'rotated' ? (
        <>
          <Notice kind="success">
            New keys for {id}: its old keys and connection strings stopped working, and a live connection
            using them was dropped. Give the device this new connection string:
          </Notice>
          <ConnectionStringBox deviceId={id} version={version} />
        </>
      ) : null}
      {result === 'revoked' ? (
        <Notice kind="success">
          Every credential of {id} is revoked (authentication “none”): nothing it holds works. Rotate keys to
          give it new ones.
        </Notice>
      ) : null}
      {x509 ? (
        <p>
          {id} authenticates with an X.509 certificate: it has no keys to rotate. Revoke its credentials, or
          register a new thumbprint on its device page.
        </p>
      ) : (
        <p>
          <strong>Rotate keys</strong>: the hub makes new SAS keys; whatever holds the old ones (a stolen
          device, a leaked connection string) is refused from now on.
        </p>
      )}
      <p>
        <strong>Revoke credentials</strong>: no key or certificate works any more, until keys are rotated in
        again.
        {type === 'none' ? ' (Its credentials are revoked now.)' : ''}
      </p>
      {confirming ? (
        <ConfirmPanel
          confirmLabel={
            confirming === 'rotate' ? `Yes, rotate the keys of ${id}` : `Yes, revoke the credentials of ${id}`
          }
          errorTitle={
            confirming === 'rotate' ? 'The keys were not rotated' : 'The credentials were not revoked'
          }
          onCancel={() => setConfirming(undefined)}
          onConfirm={async () => {
            if (confirming === 'rotate') await rotateKeys(client, id);
            else await revokeCredentials(client, id);
            setResult(confirming === 'rotate' ? 'rotated' : 'revoked');
            setVersion((v) => v + 1);
            setConfirming(undefined);
            onDone();
          }}
        >
          <p>
            {confirming === 'rotate'
              ? `Rotate the keys of ${id}? The device stays offline until it gets the new connection string.`
              : `Revoke every credential of ${id}? It cannot connect until new keys are rotated in.`}
          </p>
        </ConfirmPanel>
      ) : (
        <div className="ops-actions">
          {!x509 ? (
            <button type="button" className="danger" onClick={() => setConfirming('rotate')}>
              Rotate keys…
            </button>
          ) : null}
          {type !== 'none' ? (
            <button type="button" className="danger" onClick={() => setConfirming('revoke')}>
              Revoke credentials…
            </button>
          ) : null}
        </div>
      )}
    </div>
  );
}
