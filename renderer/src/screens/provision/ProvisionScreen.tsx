import './provision.css';
import type { DeviceIdentity } from '@outpost/core';
import { useState } from 'react';
import { PageHeader } from '../../components/ui';
import type { ScreenProps } from '../registry';
import { AddDeviceForm } from './AddDeviceForm';
import { DeviceCreated } from './DeviceCreated';
import { ImportPanel } from './ImportPanel';

/** Provision (operator+): add one device and get its connection string, or import many from a file. */
export function ProvisionScreen(_props: ScreenProps) {
  const [created, setCreated] = useState<DeviceIdentity>();
  return (
    <>
      <PageHeader title="Provision" />
      <p className="muted prov-lead">
        Register devices with this hub: one at a time, or many from a CSV or JSON file.
      </p>
      <div className="prov-layout">
        <div className="card">
          {created ? (
            <DeviceCreated device={created} onAnother={() => setCreated(undefined)} />
          ) : (
            <AddDeviceForm onCreated={setCreated} />
          )}
        </div>
        <div className="card">
          <ImportPanel />
        </div>
      </div>
    </>
  );
}
