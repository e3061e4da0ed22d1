import type { DeviceIdentity, TwinDocument } from '@outpost/core';
import type { HubEvent } from '../../api/events';
import { useApi } from '../../api/use-api';
import { hrefTo } from '../../app/router';
import { useSession } from '../../app/session';
import { ConnectionBadge, ErrorNotice, PageHeader } from '../../components/ui';
import type { ScreenProps } from '../registry';
import { C2dCard } from './C2dCard';
import { HistoryCard } from './HistoryCard';
import { IdentityCard } from './IdentityCard';
import { MethodCard } from './MethodCard';
import { OperationsCard } from './OperationsCard';
import { TelemetryCard } from './TelemetryCard';
import { TwinCard } from './TwinCard';
import { useDeviceLive } from './use-device-live';
import './device.css';

const TWIN_KINDS = new Set([
  'twinTagsChanged',
  'twinDesiredChanged',
  'twinReportedChanged',
  'twinConfigurationsChanged',
  'deviceUpdated',
  'deviceConnected',
  'deviceDisconnected',
]);
const IDENTITY_KINDS = new Set([
  'deviceUpdated',
  'deviceConnected',
  'deviceDisconnected',
  'twinReportedChanged',
]);
const matches = (kinds: Set<string>) => (e: HubEvent) => kinds.has(e.type);
const twinMatch = matches(TWIN_KINDS);
const identityMatch = matches(IDENTITY_KINDS);

/**
 * One device (`#/devices/<id>`): identity and credentials, the twin (tags and desired editable with a
 * diff, reported read-only), reboot / factory reset with live progress, any direct method, C2D
 * messages, live telemetry and the audit history. Everything follows the event stream. Viewers get
 * the same page without anything that changes the device or reveals its keys.
 */
export function DeviceScreen({ route }: ScreenProps) {
  const id = route.segments[0];
  if (!id) {
    return (
      <>
        <PageHeader title="Device" />
        <p>
          Pick a device in the <a href={hrefTo('fleet')}>Fleet</a>.
        </p>
      </>
    );
  }
  return <DevicePage key={id} id={id} />;
}

function DevicePage({ id }: { id: string }) {
  const { client, can } = useSession();
  const canOperate = can('operator');
  const enc = encodeURIComponent(id);
  const identity = useApi(
    (signal) => client.get<DeviceIdentity>(`/devices/${enc}`, {}, signal),
    [client, enc],
  );
  const twin = useApi((signal) => client.get<TwinDocument>(`/twins/${enc}`, {}, signal), [client, enc]);
  useDeviceLive(id, twinMatch, twin.reload);
  useDeviceLive(id, identityMatch, identity.reload);

  const device = identity.data;
  return (
    <div className="device">
      <p className="crumbs small">
        <a href={hrefTo('fleet')}>Fleet</a> <span aria-hidden="true">›</span> {id}
      </p>
      <PageHeader title={`Device ${id}`}>
        {device ? (
          <>
            <ConnectionBadge state={device.connectionState} />
            <span className={`badge ${device.status === 'enabled' ? 'badge-ok' : 'badge-bad'}`}>
              {device.status}
            </span>
          </>
        ) : null}
      </PageHeader>
      <ErrorNotice
        error={identity.error}
        title={
          identity.error && 'status' in identity.error && identity.error.status === 404
            ? `There is no device ${id}`
            : 'The device could not be loaded'
        }
      />
      {device ? (
        <>
          <div className="device-top">
            <IdentityCard identity={device} canOperate={canOperate} />
            <OperationsCard deviceId={id} canOperate={canOperate} />
          </div>
          <ErrorNotice error={twin.error} title="The twin could not be loaded" />
          {twin.data ? <TwinCard twin={twin.data} canEdit={canOperate} onSaved={twin.reload} /> : null}
          <div className={canOperate ? 'device-live' : 'device-live device-live-single'}>
            <div className="device-col">
              <TelemetryCard deviceId={id} />
            </div>
            {canOperate ? (
              <div className="device-col">
                <C2dCard deviceId={id} />
                <MethodCard deviceId={id} />
              </div>
            ) : null}
          </div>
          <HistoryCard deviceId={id} />
        </>
      ) : null}
    </div>
  );
}
