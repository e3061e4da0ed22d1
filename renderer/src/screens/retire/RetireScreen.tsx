import '../../components/ops-forms.css';
import './retire.css';
import type { ArchivedDevice } from '@outpost/core';
import { useCallback, useEffect, useState } from 'react';
import { HubApiError } from '../../api/http';
import { listArchivedDevices } from '../../api/lifecycle';
import { useApi } from '../../api/use-api';
import { navigate } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorNotice, Notice, PageHeader } from '../../components/ui';
import { useLiveReload } from '../configure/use-live-reload';
import type { ScreenProps } from '../registry';
import { ActionChooser, type RetireAction } from './ActionChooser';
import { ArchiveList } from './ArchiveList';
import { DeleteStep } from './DeleteStep';
import { DevicePicker } from './DevicePicker';
import { DisableStep } from './DisableStep';
import { KeysStep } from './KeysStep';
import { ReplaceStep } from './ReplaceStep';
import { SelectedDevice } from './SelectedDevice';
import { useRetireDevice } from './use-retire-device';

const STEP_TITLES: Record<RetireAction, string> = {
  disable: 'Disable',
  keys: 'Rotate or revoke keys',
  replace: 'Replace with a new device',
  delete: 'Delete and archive',
};

/**
 * Retire (operator+), `#/retire[/<deviceId>]`: pick a device, then disable it, rotate or revoke its
 * keys, replace it, or delete it into the archive; each destructive step asks first and says what
 * happened. The archive is listed below.
 */
export function RetireScreen({ route }: ScreenProps) {
  const { client } = useSession();
  const deviceId = route.segments[0];
  const [action, setAction] = useState<RetireAction>();
  const [notice, setNotice] = useState<string>();
  const [lastArchived, setLastArchived] = useState<string>();
  const device = useRetireDevice(deviceId);
  const loadArchive = useCallback((signal: AbortSignal) => listArchivedDevices(client, signal), [client]);
  const archive = useApi(loadArchive, [loadArchive]);
  useLiveReload(archive.reload, (e) => e.type === 'deviceDeleted', 1000);

  useEffect(() => {
    setAction(undefined);
    if (deviceId) setNotice(undefined);
  }, [deviceId]);

  const deleted = (entry: ArchivedDevice) => {
    setNotice(
      `${entry.deviceId} was deleted and archived: it can no longer connect, and its twin and tags are kept in the archive below.`,
    );
    setLastArchived(entry.deviceId);
    archive.reload();
    navigate('retire');
  };

  const data = device.data;
  const notFound = device.error instanceof HubApiError && device.error.status === 404;
  return (
    <>
      <PageHeader title="Retire" />
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      <div className="ret-layout">
        <section className="card" aria-labelledby="ret-pick-title">
          <h2 id="ret-pick-title">1. Choose a device</h2>
          <DevicePicker selected={deviceId} />
        </section>
        <section className="card" aria-labelledby="ret-do-title">
          <h2 id="ret-do-title">2. Choose what to do</h2>
          {!deviceId ? <p className="muted">Choose a device first.</p> : null}
          {notFound ? (
            <ErrorNotice
              error={
                new Error(
                  `Device ${deviceId} is not registered. If it was retired, it is in the archive below.`,
                )
              }
              title="No such device"
            />
          ) : (
            <ErrorNotice error={device.error} title={`Device ${deviceId} could not be read`} />
          )}
          {deviceId && data && data.identity.deviceId === deviceId ? (
            <>
              <SelectedDevice twin={data.twin} statusReason={data.identity.statusReason} />
              <ActionChooser current={action} onChoose={setAction} />
              {action ? (
                <section className="ret-step" aria-labelledby="ret-step-title">
                  <h3 id="ret-step-title">
                    {STEP_TITLES[action]}: {deviceId}
                  </h3>
                  {action === 'disable' ? (
                    <DisableStep identity={data.identity} onDone={device.reload} />
                  ) : null}
                  {action === 'keys' ? <KeysStep identity={data.identity} onDone={device.reload} /> : null}
                  {action === 'replace' ? (
                    <ReplaceStep
                      identity={data.identity}
                      tags={data.twin.tags}
                      onDone={device.reload}
                      onDeleteOld={() => setAction('delete')}
                    />
                  ) : null}
                  {action === 'delete' ? <DeleteStep identity={data.identity} onDeleted={deleted} /> : null}
                </section>
              ) : null}
            </>
          ) : null}
        </section>
      </div>
      <ArchiveList items={archive.data} error={archive.error} highlight={lastArchived} />
    </>
  );
}
