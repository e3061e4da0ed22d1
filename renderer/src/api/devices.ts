/**
 * Device reads of the Fleet and Device screens: one page of a twin query (`POST /devices/query`
 * with IoT Hub's header paging) and the count of a query.
 */
import type { TwinDocument } from '@outpost/core';
import type { HubClient } from './http';

/** Rows per page: the hub's (and IoT Hub's) largest page. */
export const PAGE_SIZE = 100;

/** One page of query rows and the token of the next page (absent on the last page). */
export interface QueryPage<T> {
  rows: T[];
  continuation: string | undefined;
}

/** A row of `SELECT * FROM devices`: a twin. */
export type DeviceRow = TwinDocument;

/** Runs one page of `query`; pass the previous page's continuation to get the next one. */
export async function queryPage<T = Record<string, unknown>>(
  client: HubClient,
  query: string,
  options: { continuation?: string | undefined; pageSize?: number; signal?: AbortSignal } = {},
): Promise<QueryPage<T>> {
  const headers: Record<string, string> = { 'x-ms-max-item-count': String(options.pageSize ?? PAGE_SIZE) };
  if (options.continuation) headers['x-ms-continuation'] = options.continuation;
  const res = await client.request<T[]>('POST', '/devices/query', {
    body: { query },
    headers,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { rows: res.data ?? [], continuation: res.headers.get('x-ms-continuation') ?? undefined };
}

/** The number a `SELECT COUNT() AS n …` query answers. */
export async function queryCount(client: HubClient, query: string, signal?: AbortSignal): Promise<number> {
  const page = await queryPage<{ n?: number }>(client, query, signal ? { signal } : {});
  return page.rows[0]?.n ?? 0;
}

/** The groups of a `SELECT <path> AS k, COUNT() AS n … GROUP BY <path>` query, largest first. */
export async function queryGroups(
  client: HubClient,
  query: string,
  signal?: AbortSignal,
): Promise<{ value: unknown; count: number }[]> {
  const page = await queryPage<{ k?: unknown; n: number }>(client, query, signal ? { signal } : {});
  return page.rows
    .map((row) => ({ value: row.k, count: row.n }))
    .sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)));
}
