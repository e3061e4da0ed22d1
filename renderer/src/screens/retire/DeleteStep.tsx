import type { ArchivedDevice, DeviceIdentity } from '@outpost/core';
import { useState } from 'react';
import { archiveDevice } from '../../api/lifecycle';
import { useSession } from '../../app/session';
import { ConfirmPanel } from './ConfirmPanel';

/** Delete into the archive, after typing the device id. */
export function DeleteStep({
  identity,
  onDeleted,
}: {
  identity: DeviceIdentity;
  onDeleted(entry: ArchivedDevice): void;
}) {
  const id = identity.deviceId;
  const [confirming, setConfirming] = useState(false);
  const { client } = useSession();
  return (
    <div>
      <p>
        The device is deleted from the registry: it can never connect again, and its id becomes free. The hub
        keeps its identity (without keys) and its twin, tags included, in the archive below, for audit.
      </p>
      {identity.status === 'enabled' ? (
        <p className="ops-hint">{id} is still enabled. Disable it first if you are not sure.</p>
      ) : null}
      {confirming ? (
        <ConfirmPanel
          confirmLabel={`Delete and archive ${id}`}
          errorTitle="The device was not deleted"
          typeToConfirm={id}
          onCancel={() => setConfirming(false)}
          onConfirm={async () => onDeleted(await archiveDevice(client, id))}
        >
          <p>
            Delete <strong>{id}</strong>? This cannot be undone: a device with this id would be a new device.
          </p>
        </ConfirmPanel>
      ) : (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Delete {id}…
        </button>
      )}
    </div>
  );
}
