/** This hub's facts (`GET /api/v1/hub`) and its CA certificate (`GET /api/v1/hub/ca.pem`). */
import type { HubInfo } from '@outpost/core';
import type { HubClient } from './http';

export type { HubInfo };

/** The hub's facts. */
export function fetchHubInfo(client: HubClient, signal?: AbortSignal) {
  return client.get<HubInfo>('/api/v1/hub', undefined, signal);
}

/**
 * Downloads the CA as a file. A plain link cannot carry the bearer token, so the PEM is fetched
 * with it and handed to the browser as a blob; returns the file name.
 */
export async function downloadCa(client: HubClient): Promise<string> {
  const { data: pem, headers } = await client.request<string>('GET', '/api/v1/hub/ca.pem', {
    responseType: 'text',
    headers: { accept: 'application/x-pem-file' },
  });
  const name = /filename="([^"]+)"/.exec(headers.get('content-disposition') ?? '')?.[1] ?? 'outpost-ca.pem';
  const url = URL.createObjectURL(new Blob([pem], { type: 'application/x-pem-file' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: some browsers read the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

/** 1.5 MB, 12 KB, 800 B. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** "3 d 4 h", "2 h 5 min", "40 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}
