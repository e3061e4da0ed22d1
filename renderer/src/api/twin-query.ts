import type { HubClient } from './http';

/**
 * IoT Hub query helpers shared by the provision, configure and retire screens: string literals,
 * paged `POST /devices/query`, and device counts.
 */

/** A query-language string literal: `'…'` with `\` and `'` escaped (query-language.md §2). */
export function quoteQueryString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** Runs a query and follows its continuation up to `maxRows` rows (the rest is left unread). */
export async function queryRows<T>(
  client: HubClient,
  query: string,
  options: { maxRows?: number; pageSize?: number; signal?: AbortSignal } = {},
): Promise<{ rows: T[]; truncated: boolean }> {
  const maxRows = options.maxRows ?? 1000;
  const rows: T[] = [];
  let continuation: string | undefined;
  do {
    const headers: Record<string, string> = {
      'x-ms-max-item-count': String(Math.min(options.pageSize ?? 100, maxRows - rows.length)),
    };
    if (continuation) headers['x-ms-continuation'] = continuation;
    const res = await client.request<T[]>('POST', '/devices/query', {
      body: { query },
      headers,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    rows.push(...res.data);
    continuation = res.headers.get('x-ms-continuation') ?? undefined;
  } while (continuation && rows.length < maxRows);
  return { rows, truncated: continuation !== undefined };
}

/** The number of devices a WHERE expression (without WHERE; `*` for all) matches now. */
export async function countDevices(
  client: HubClient,
  condition: string,
  signal?: AbortSignal,
): Promise<number> {
  const where = condition.trim() === '*' ? '' : ` WHERE ${condition}`;
  const rows = await client.post<{ n: number }[]>(
    '/devices/query',
    { query: `SELECT COUNT() AS n FROM devices${where}` },
    signal ? { signal } : {},
  );
  return rows[0]?.n ?? 0;
}
