/** The audit trail (`GET /api/v1/audit`), newest first, searched on the hub. */
import type { AuditPage } from '@outpost/core';
import type { HubClient } from './http';

/** What the Audit screen searches for; empty fields are not sent. */
export interface AuditSearch {
  deviceId: string;
  actor: string;
  kind: string;
  text: string;
}

export const EMPTY_SEARCH: AuditSearch = { deviceId: '', actor: '', kind: '', text: '' };

/** Entries per request. */
export const AUDIT_PAGE_SIZE = 50;
// A sparse search over a long feed comes back short with a cursor (the hub scans at most 10,000
// changes per request): follow it a few times before asking the operator to load older ones.
const MAX_FOLLOW = 5;

/** One newest-first page older than `beforeSeq` (the newest entries without it). */
export async function fetchAuditPage(
  client: HubClient,
  search: AuditSearch,
  beforeSeq: number | undefined,
  signal?: AbortSignal,
): Promise<AuditPage> {
  const items: AuditPage['items'] = [];
  let cursor = beforeSeq;
  let last: AuditPage | undefined;
  for (let i = 0; i < MAX_FOLLOW && items.length < AUDIT_PAGE_SIZE; i++) {
    last = await client.get<AuditPage>(
      '/api/v1/audit',
      {
        order: 'newest',
        limit: AUDIT_PAGE_SIZE - items.length,
        beforeSeq: cursor,
        deviceId: search.deviceId.trim() || undefined,
        actor: search.actor.trim() || undefined,
        kind: search.kind || undefined,
        text: search.text.trim() || undefined,
      },
      signal,
    );
    items.push(...last.items);
    if (last.nextBeforeSeq == null) break;
    cursor = last.nextBeforeSeq;
  }
  return { ...(last as AuditPage), items };
}
