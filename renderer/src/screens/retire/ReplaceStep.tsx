import type { DeviceIdentity, Replacement, TwinDocument } from '@outpost/core';
import { useState } from 'react';
import { fetchTwin, replaceDevice } from '../../api/lifecycle';
import { hrefTo } from '../../app/router';
import { useSession } from '../../app/session';
import { ConnectionStringBox } from '../../components/connection-string-box';
import { Notice } from '../../components/ui';
import { ConfirmPanel } from './ConfirmPanel';

/**
 * Replace a device by a new one: the new id gets the old twin's tags and desired properties in one
 * step, the old device is disabled ("replaced by …") and kept until it is deleted; then the new
 * device's connection string.
 */
export function ReplaceStep({
  identity,
  tags,
  onDone,
  onDeleteOld,
}: {
  identity: DeviceIdentity;
  tags: Record<string, unknown>;
  onDone(): void;
  onDeleteOld(): void;
}) {
  const { client } = useSession();
  const id = identity.deviceId;
  const [newId, setNewId] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<{ replacement: Replacement; twin: TwinDocument }>();

  if (done) {
    const newDeviceId = done.replacement.device.deviceId;
    return (
      <section aria-labelledby="replaced-title">
        <h4 id="replaced-title">
          {newDeviceId} replaces {id}
        </h4>
        <Notice kind="success">
          {newDeviceId} is registered with the tags and desired properties of {id}. {id} is disabled
          (“replaced by {newDeviceId}”) and kept: delete it when the swap is done.
        </Notice>
        <dl className="ret-facts">
          <dt>Tags carried over</dt>
          <dd>
            <code>{JSON.stringify(done.twin.tags)}</code>
          </dd>
          <dt>Desired carried over</dt>
          <dd>
            <code>{JSON.stringify(withoutMeta(done.twin.properties.desired))}</code>
          </dd>
        </dl>
        <h4>Connection string of {newDeviceId}</h4>
        <ConnectionStringBox deviceId={newDeviceId} />
        <div className="ops-actions">
          <a href={hrefTo('devices', newDeviceId)}>Open the page of {newDeviceId}</a>
          <button type="button" className="secondary" onClick={onDeleteOld}>
            Delete and archive {id} now…
          </button>
        </div>
      </section>
    );
  }

  return (
    <div>
      <p>
        For a device swapped in the field: the new device gets {id}&apos;s tags and desired properties, so
        queries, configurations and jobs treat it the same. Reported properties and keys are not copied.
      </p>
      <p className="ops-hint">
        Tags that move over: <code>{Object.keys(tags).length ? JSON.stringify(tags) : 'none'}</code>
      </p>
      <div className="ops-field">
        <label htmlFor="replace-new-id">New device id</label>
        <input
          id="replace-new-id"
          value={newId}
          onChange={(e) => setNewId(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          aria-describedby="replace-new-id-hint"
        />
        <div id="replace-new-id-hint" className="ops-hint">
          An id not registered yet, e.g. {id}-b.
        </div>
      </div>
      {confirming ? (
        <ConfirmPanel
          confirmLabel={`Yes, replace ${id}`}
          errorTitle="The device was not replaced"
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            const replacement = await replaceDevice(client, id, newId.trim());
            const twin = await fetchTwin(client, replacement.device.deviceId);
            setDone({ replacement, twin });
            onDone();
          }}
        >
          <p>
            Replace <strong>{id}</strong> with <strong>{newId.trim()}</strong>? {id} is disabled at once and
            disconnected.
          </p>
        </ConfirmPanel>
      ) : (
        <button
          type="button"
          className="danger"
          disabled={newId.trim() === '' || newId.trim() === id}
          onClick={() => setConfirming(true)}
        >
          Replace {id}…
        </button>
      )}
    </div>
  );
}

/** A twin section without `$version`/`$metadata`. */
function withoutMeta(section: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(section).filter(([k]) => !k.startsWith('$')));
}
