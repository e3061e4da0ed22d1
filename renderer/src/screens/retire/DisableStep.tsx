import type { DeviceIdentity } from '@outpost/core';
import { useState } from 'react';
import { disableDevice, enableDevice } from '../../api/lifecycle';
import { useSession } from '../../app/session';
import { ErrorNotice, Notice } from '../../components/ui';
import { ConfirmPanel } from './ConfirmPanel';

/** Longest reason the hub keeps. */
const MAX_REASON = 128;

/** Disable with a reason (after a confirmation), or enable a disabled device again. */
export function DisableStep({ identity, onDone }: { identity: DeviceIdentity; onDone(): void }) {
  const { client } = useSession();
  const id = identity.deviceId;
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<string>();
  const [error, setError] = useState<Error>();

  if (identity.status === 'disabled') {
    const enable = async () => {
      setError(undefined);
      try {
        await enableDevice(client, id);
        setResult(`${id} is enabled again: it may connect with its current credentials.`);
        onDone();
      } catch (err) {
        setError(err as Error);
      }
    };
    return (
      <div>
        {result ? <Notice kind="success">{result}</Notice> : null}
        <p>
          {id} is disabled{identity.statusReason ? ` (${identity.statusReason})` : ''}: the hub refuses its
          connections. Its twin, tags and keys are kept.
        </p>
        <ErrorNotice error={error} title="The device was not enabled" />
        <button type="button" className="secondary" onClick={() => void enable()}>
          Enable {id} again
        </button>
      </div>
    );
  }

  return (
    <div>
      {result ? <Notice kind="success">{result}</Notice> : null}
      <p>
        A disabled device is disconnected and refused until it is enabled again. Nothing is deleted: its twin,
        tags and keys stay.
      </p>
      <div className="ops-field">
        <label htmlFor="disable-reason">Reason (optional)</label>
        <input
          id="disable-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={MAX_REASON}
          aria-describedby="disable-reason-hint"
        />
        <div id="disable-reason-hint" className="ops-hint">
          Shown with the device and in the audit trail, e.g. “water damage, sent for repair”. Up to{' '}
          {MAX_REASON} characters.
        </div>
      </div>
      {confirming ? (
        <ConfirmPanel
          confirmLabel={`Yes, disable ${id}`}
          errorTitle="The device was not disabled"
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            await disableDevice(client, id, reason.trim());
            setConfirming(false);
            setResult(
              `${id} is disabled${reason.trim() ? ` (${reason.trim()})` : ''}. It was disconnected and cannot connect until enabled again.`,
            );
            onDone();
          }}
        >
          <p>
            Disable <strong>{id}</strong>? If it is connected now, it is disconnected.
          </p>
        </ConfirmPanel>
      ) : (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Disable {id}…
        </button>
      )}
    </div>
  );
}
