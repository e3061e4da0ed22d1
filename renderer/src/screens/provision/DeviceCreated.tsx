import type { DeviceIdentity } from '@outpost/core';
import { hrefTo } from '../../app/router';
import { ConnectionStringBox } from '../../components/connection-string-box';
import { Notice } from '../../components/ui';

/** What a new device needs next: its connection string (SAS) or a word on X.509, and its page. */
export function DeviceCreated({ device, onAnother }: { device: DeviceIdentity; onAnother(): void }) {
  const sas = device.authentication.type === 'sas';
  return (
    <section aria-labelledby="created-title">
      <h2 id="created-title">Device {device.deviceId} created</h2>
      <Notice kind="success">
        {device.deviceId} is registered and {device.status}. It shows as disconnected until it connects.
      </Notice>
      {sas ? (
        <>
          <h3>Connection string</h3>
          <p className="ops-hint">
            Give this to the device (or its SDK&apos;s <code>fromConnectionString</code>). It holds the
            device&apos;s primary key: treat it as a password.
          </p>
          <ConnectionStringBox deviceId={device.deviceId} />
        </>
      ) : (
        <p>
          The device authenticates with its X.509 certificate; it has no connection-string key. Configure it
          with this hub&apos;s host name, its device id <code>{device.deviceId}</code> and its certificate.
        </p>
      )}
      <div className="ops-actions">
        <a href={hrefTo('devices', device.deviceId)}>Open the page of {device.deviceId}</a>
        <button type="button" className="secondary" onClick={onAnother}>
          Add another device
        </button>
      </div>
    </section>
  );
}
