import type { DeviceRow } from '../../api/devices';
import { hrefTo } from '../../app/router';
import { Age, ConnectionBadge } from '../../components/ui';
import type { Column } from './VirtualTable';

/** What the event stream told about a device since its row was loaded. */
export interface LiveFacts {
  connectionState?: 'Connected' | 'Disconnected';
  lastActivityTime?: string;
  reportedStatus?: unknown;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The device list's columns; `live` overrides what changed since the page was loaded. */
export function deviceColumns(live: ReadonlyMap<string, LiveFacts>): Column<DeviceRow>[] {
  const fact = (row: DeviceRow) => live.get(row.deviceId);
  return [
    {
      key: 'id',
      header: 'Device',
      width: '14%',
      render: (row) => (
        <a href={hrefTo('devices', row.deviceId)} className="mono">
          {row.deviceId}
        </a>
      ),
    },
    {
      key: 'connection',
      header: 'Connection',
      width: '17%',
      render: (row) => <ConnectionBadge state={fact(row)?.connectionState ?? row.connectionState} />,
    },
    {
      key: 'status',
      header: 'Status',
      width: '11%',
      // Disabled is the exception worth a badge; enabled reads as plain text.
      render: (row) =>
        row.status === 'disabled' ? <span className="badge badge-bad">disabled</span> : (row.status ?? '—'),
    },
    {
      key: 'activity',
      header: 'Last activity',
      width: '14%',
      render: (row) => <Age iso={fact(row)?.lastActivityTime ?? row.lastActivityTime} />,
    },
    { key: 'site', header: 'Site', width: '10%', render: (row) => text(row.tags?.site) },
    { key: 'type', header: 'Type', width: '15%', render: (row) => text(row.tags?.type) },
    {
      key: 'reported',
      header: 'Reported status',
      width: '19%',
      render: (row) => {
        const f = fact(row);
        return text(f && 'reportedStatus' in f ? f.reportedStatus : row.properties?.reported?.status);
      },
    },
  ];
}

/** Columns for rows that are not whole twins (projections, GROUP BY): one per key, JSON cells. */
export function resultColumns(rows: readonly Record<string, unknown>[]): Column<Record<string, unknown>>[] {
  const keys: string[] = [];
  for (const row of rows.slice(0, 50)) {
    for (const k of Object.keys(row)) if (!keys.includes(k)) keys.push(k);
  }
  const shown = keys.slice(0, 10);
  const width = `${Math.floor(100 / Math.max(1, shown.length))}%`;
  return shown.map((k) => ({
    key: k,
    header: k,
    width,
    render: (row) => {
      const v = row[k];
      if (k === 'deviceId' && typeof v === 'string') {
        return (
          <a href={hrefTo('devices', v)} className="mono">
            {v}
          </a>
        );
      }
      const t = text(v);
      return <span title={t}>{t}</span>;
    },
  }));
}
