import { useMemo } from 'react';
import {
  countQuery,
  groupCondition,
  groupQuery,
  isDeviceListQuery,
  joinQuery,
  normalizeQuery,
  splitQuery,
  withCondition,
} from '../../api/device-query';
import { type DeviceRow, queryCount, queryGroups } from '../../api/devices';
import { useApi } from '../../api/use-api';
import { useSession } from '../../app/session';
import { PageHeader } from '../../components/ui';
import type { ScreenProps } from '../registry';
import { deviceColumns, resultColumns } from './columns';
import { decodeGroupValue, encodeGroupValue, GroupPanel, groupLabel } from './GroupPanel';
import { QueryBar } from './QueryBar';
import { fleetHref, SavedViews } from './SavedViews';
import { useFleetChanges } from './use-fleet-changes';
import { useLiveFacts } from './use-live-facts';
import { usePagedQuery } from './use-paged-query';
import { VirtualTable } from './VirtualTable';
import './fleet.css';

function rowKey(row: Record<string, unknown>, index: number): string {
  const { deviceId, moduleId } = row as Partial<DeviceRow>;
  return typeof deviceId === 'string' ? `${deviceId}/${moduleId ?? ''}` : String(index);
}

/**
 * The fleet: a device list over a twin query that stays fast at 10k+ devices (pages of 100 with
 * continuation tokens, fetched as the user scrolls; only the rows in view are rendered), live
 * connection states from the event stream, a total count, grouping by a property with counts, and
 * saved views. The URL holds the query (`#/fleet?q=…&g=…&gv=…`), so a link shows the same list.
 */
export function FleetScreen({ route }: ScreenProps) {
  const { client } = useSession();
  const typed = route.query.get('q') ?? '';
  const groupBy = route.query.get('g') ?? '';
  const groupValueRaw = route.query.get('gv');
  const selectedGroup = groupBy ? decodeGroupValue(groupValueRaw) : undefined;

  const sent = normalizeQuery(typed);
  const parts = useMemo(() => splitQuery(sent), [sent]);
  const groupable =
    !!parts && !parts.groupBy && ['devices', 'devices.modules'].includes(parts.from.toLowerCase());
  const listQuery =
    parts && groupable && selectedGroup
      ? joinQuery(withCondition(parts, groupCondition(groupBy, selectedGroup.value)))
      : sent;
  const listParts = useMemo(() => splitQuery(listQuery), [listQuery]);
  const deviceMode = isDeviceListQuery(listParts);
  const counter = countQuery(listParts);

  const list = usePagedQuery<Record<string, unknown>>(client, listQuery);
  const count = useApi(
    (signal) => (counter ? queryCount(client, counter, signal) : Promise.resolve(undefined)),
    [client, counter],
  );
  const groups = useApi(
    (signal) =>
      groupBy && parts && groupable
        ? queryGroups(client, groupQuery(parts, groupBy), signal)
        : Promise.resolve(undefined),
    [client, groupBy, sent],
  );
  const live = useLiveFacts(listQuery);
  const changes = useFleetChanges(listQuery);
  const refresh = () => {
    changes.reset();
    list.reload();
    count.reload();
    groups.reload();
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: the facts map changes in place; version says when
  const deviceCols = useMemo(() => deviceColumns(live.facts), [live.facts, live.version]);
  const columns = deviceMode ? deviceCols : resultColumns(list.rows);

  const go = (q: string, g: string, gv?: string) => {
    window.location.hash = fleetHref(q, g, gv);
  };
  // A count still loading or refused would be the previous query's: show none rather than a stale one.
  const counted = count.loading || count.error ? undefined : count.data;
  const total = counted ?? (list.done && !list.error ? list.rows.length : undefined);
  const shownTotal =
    listParts?.top !== undefined && total !== undefined ? Math.min(total, listParts.top) : total;

  return (
    <div className="fleet">
      <PageHeader title="Fleet">
        <p className="fleet-total" role="status" aria-live="polite">
          {shownTotal === undefined ? (
            count.loading || list.loading ? (
              'Counting…'
            ) : (
              `${list.rows.length.toLocaleString()} rows loaded`
            )
          ) : (
            <>
              <strong>{shownTotal.toLocaleString()}</strong> {deviceMode ? 'devices' : 'rows'}
              {selectedGroup ? ` in ${groupBy} = ${groupLabel(selectedGroup.value)}` : ''}
            </>
          )}
        </p>
      </PageHeader>
      <QueryBar
        value={typed}
        sent={listQuery}
        error={list.error ?? count.error}
        onRun={(q) => go(q, groupBy)}
      />
      {changes.changed > 0 ? (
        <div className="notice notice-info row fleet-changed" role="status">
          <span>
            {changes.changed === 1 ? '1 device was' : `${changes.changed.toLocaleString()} devices were`}{' '}
            added, deleted or retagged since this list loaded.
          </span>
          <button type="button" className="secondary" onClick={refresh}>
            Refresh the list
          </button>
        </div>
      ) : null}
      <div className="fleet-body">
        <div className="fleet-main">
          {list.rows.length === 0 ? (
            list.error ? null : (
              <p className="card muted" role="status">
                {list.loading ? 'Loading devices…' : 'No device matches this query.'}
              </p>
            )
          ) : (
            <VirtualTable
              label={deviceMode ? 'Devices' : 'Query results'}
              rows={list.rows}
              columns={columns as never}
              rowKey={rowKey}
              total={shownTotal}
              done={list.done}
              loading={list.loading}
              onNearEnd={list.loadMore}
            />
          )}
          {list.rows.length > 0 ? (
            <p className="muted small fleet-paging">
              {list.rows.length.toLocaleString()} loaded in {list.pages} page{list.pages === 1 ? '' : 's'} of
              up to 100{list.done ? ', all loaded' : ', more load as you scroll'}.
            </p>
          ) : null}
        </div>
        <aside className="fleet-side" aria-label="Grouping and saved views">
          <GroupPanel
            path={groupBy}
            groups={groups.data}
            loading={groups.loading}
            error={groups.error}
            selected={selectedGroup}
            disabledReason={
              groupable ? undefined : 'This query groups or projects by itself; grouping is off.'
            }
            onPath={(p) => go(typed, p)}
            onSelect={(g) => go(typed, groupBy, g ? encodeGroupValue(g.value) : undefined)}
          />
          <SavedViews hubUrl={client.baseUrl} query={typed} groupBy={groupBy} />
        </aside>
      </div>
    </div>
  );
}
