import type { ImportJob } from '@outpost/core';
import type { HubClient } from './http';

/** One row's outcome as `GET /api/v1/imports/{id}` shows it (error code: the IoT Hub error name). */
export interface ImportRowOutcome {
  row: number;
  deviceId: string;
  status: 'created' | 'failed';
  error?: { code: string; message: string };
}

/** An import job with one page of its row outcomes. */
export interface ImportJobPage extends ImportJob {
  results: ImportRowOutcome[];
  nextOffset?: number;
}

/** The formats `POST /api/v1/imports` reads. */
export type ImportFormat = 'csv' | 'json';

/** Starts an import (`POST /api/v1/imports`, 202); a CSV body travels as `text/csv`, untouched. */
export async function startImport(client: HubClient, text: string, format: ImportFormat): Promise<ImportJob> {
  const res = await client.request<ImportJob>('POST', '/api/v1/imports', {
    raw: { text, contentType: format === 'csv' ? 'text/csv' : 'application/json' },
  });
  return res.data;
}

/** The job and a page of its results (`failedOnly`: the failed rows only). */
export function fetchImport(
  client: HubClient,
  id: string,
  options: { offset?: number; limit?: number; failedOnly?: boolean } = {},
): Promise<ImportJobPage> {
  return client.get<ImportJobPage>(`/api/v1/imports/${encodeURIComponent(id)}`, {
    offset: options.offset,
    limit: options.limit,
    failedOnly: options.failedOnly ? 'true' : undefined,
  });
}
