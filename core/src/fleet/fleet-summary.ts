/**
 * `GET /api/v1/fleet/summary`: the fleet at a glance, computed with twin queries (GROUP BY counts,
 * WHERE lists) plus the failed last operations of device-operations.ts.
 */
import { NEVER } from '../contracts/device';
import { HubError } from '../errors';
import type { QueryPage } from '../query';

/** Runs one query page (the hub's `query`). */
export type RunFleetQuery = (
  text: string,
  options?: { pageSize?: number; continuation?: string },
) => QueryPage;

/** Default silence threshold in minutes. */
export const DEFAULT_SILENT_MINUTES = 60;
/** Longest id list per category; `count` always holds the full number. */
export const MAX_LISTED_DEVICES = 100;

/** A category of devices: how many, and the first ids. */
export interface DeviceList {
  count: number;
  deviceIds: string[];
}

/** The fleet summary. */
export interface FleetSummary {
  generatedAt: string;
  totalDevices: number;
  byConnectionState: Record<string, number>;
  byStatus: Record<string, number>;
  /** `properties.reported.status` values (`(none)` when a device reports none). */
  byReportedStatus: Record<string, number>;
  /** `properties.reported.rebootStatus.status` values. */
  byRebootStatus: Record<string, number>;
  byFactoryResetStatus: Record<string, number>;
  /** Devices reporting an `error` member or status `error`/`failed`, or whose last operation failed. */
  failing: DeviceList & { reportingErrors: number; failedOperations: number };
  /** Devices seen before, but not within `silentMinutes`. */
  silent: DeviceList & { silentMinutes: number; since: string };
  /** Devices never seen since they were created. */
  neverConnected: DeviceList;
}

/** Parses the `silentMinutes` parameter (positive, at most 30 days). */
export function parseSilentMinutes(raw: unknown): number {
  if (raw === undefined || raw === '') return DEFAULT_SILENT_MINUTES;
  const n = typeof raw === 'string' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0 || n > 43_200) {
    throw new HubError('INVALID_ARGUMENT', 'silentMinutes must be a number of minutes from 1 to 43200.');
  }
  return n;
}

function groupCounts(run: RunFleetQuery, path: string): Record<string, number> {
  const rows = run(`SELECT ${path} AS k, COUNT() AS n FROM devices GROUP BY ${path}`).rows as {
    k?: unknown;
    n: number;
  }[];
  const out: Record<string, number> = {};
  for (const row of rows) {
    const key =
      row.k === undefined || row.k === null
        ? '(none)'
        : typeof row.k === 'string'
          ? row.k
          : JSON.stringify(row.k);
    out[key] = (out[key] ?? 0) + row.n;
  }
  return out;
}

function idsOf(run: RunFleetQuery, where: string): string[] {
  const ids: string[] = [];
  let continuation: string | undefined;
  do {
    const page = run(`SELECT deviceId FROM devices WHERE ${where}`, {
      pageSize: 100,
      ...(continuation ? { continuation } : {}),
    });
    for (const row of page.rows as { deviceId: string }[]) ids.push(row.deviceId);
    continuation = page.continuation;
  } while (continuation);
  return ids;
}

const list = (ids: readonly string[]): DeviceList => ({
  count: ids.length,
  deviceIds: ids.slice(0, MAX_LISTED_DEVICES),
});

/** Computes the summary; `nowMs` is the hub clock, `failedOperations` the ids from DeviceOperations. */
export function fleetSummary(
  run: RunFleetQuery,
  options: { nowMs: number; silentMinutes: number; failedOperations: readonly string[] },
): FleetSummary {
  const since = new Date(options.nowMs - options.silentMinutes * 60_000).toISOString();
  const reportingErrors = idsOf(
    run,
    "IS_DEFINED(properties.reported.error) OR properties.reported.status = 'error' OR properties.reported.status = 'failed'",
  );
  const failing = [...new Set([...reportingErrors, ...options.failedOperations])].sort();
  const byConnectionState = groupCounts(run, 'connectionState');
  return {
    generatedAt: new Date(options.nowMs).toISOString(),
    totalDevices: Object.values(byConnectionState).reduce((a, b) => a + b, 0),
    byConnectionState,
    byStatus: groupCounts(run, 'status'),
    byReportedStatus: groupCounts(run, 'properties.reported.status'),
    byRebootStatus: groupCounts(run, 'properties.reported.rebootStatus.status'),
    byFactoryResetStatus: groupCounts(run, 'properties.reported.factoryResetStatus.status'),
    failing: {
      ...list(failing),
      reportingErrors: reportingErrors.length,
      failedOperations: options.failedOperations.length,
    },
    silent: {
      ...list(idsOf(run, `lastActivityTime < '${since}' AND lastActivityTime > '${NEVER}'`)),
      silentMinutes: options.silentMinutes,
      since,
    },
    neverConnected: list(idsOf(run, `lastActivityTime = '${NEVER}'`)),
  };
}
