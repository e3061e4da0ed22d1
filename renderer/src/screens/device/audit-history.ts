/**
 * Reads a device's audit trail newest first, a page at a time. The audit API pages newest first
 * with `order=newest` and `beforeSeq`; a hub without that (its API ignores `order` and answers
 * oldest first, without `nextBeforeSeq`) is read in windows of seqs below its last change instead.
 */
import type { AuditEntry, AuditPage, ChangeKind } from '@outpost/core';
import type { HubClient } from '../../api/http';

/** Where the next (older) page starts. */
export type HistoryCursor = { kind: 'newest'; beforeSeq: number } | { kind: 'window'; untilSeq: number };

/** One read: entries newest first, and the cursor of older ones (null: nothing older is retained). */
export interface HistoryPage {
  entries: AuditEntry[];
  next: HistoryCursor | null;
}

// A sparse device in a long feed may need several requests (each scans a bounded part of the feed).
const WANTED = 50;
const MAX_REQUESTS = 5;
// Fallback: one scan budget of the API per window, at most this many requests per window.
const WINDOW = 10_000;
const MAX_WINDOW_REQUESTS = 20;

type NewestPage = AuditPage & { nextBeforeSeq?: number | null };

function filters(deviceId: string, kinds: readonly ChangeKind[] | undefined) {
  return { deviceId, ...(kinds ? { kind: kinds.join(',') } : {}) };
}

async function readWindow(
  client: HubClient,
  deviceId: string,
  kinds: readonly ChangeKind[] | undefined,
  untilSeq: number,
): Promise<HistoryPage> {
  const start = Math.max(0, untilSeq - WINDOW);
  const out: AuditEntry[] = [];
  let cursor = start;
  let firstRetained = 0;
  for (let i = 0; i < MAX_WINDOW_REQUESTS; i++) {
    const page = await client.get<AuditPage>('/api/v1/audit', {
      ...filters(deviceId, kinds),
      afterSeq: cursor,
      limit: 500,
    });
    firstRetained = page.firstRetainedSeq;
    out.push(...page.items.filter((e) => e.seq <= untilSeq));
    if (page.nextAfterSeq === null || page.nextAfterSeq >= untilSeq) break;
    cursor = page.nextAfterSeq;
  }
  return {
    entries: out.reverse(),
    next: start > Math.max(0, firstRetained - 1) ? { kind: 'window', untilSeq: start } : null,
  };
}

/** Reads the newest entries (no cursor) or the ones older than `cursor`. */
export async function readHistory(
  client: HubClient,
  deviceId: string,
  kinds: readonly ChangeKind[] | undefined,
  cursor?: HistoryCursor,
): Promise<HistoryPage> {
  if (cursor?.kind === 'window') return readWindow(client, deviceId, kinds, cursor.untilSeq);
  const entries: AuditEntry[] = [];
  let beforeSeq = cursor?.beforeSeq;
  for (let i = 0; i < MAX_REQUESTS; i++) {
    const page = await client.get<NewestPage>('/api/v1/audit', {
      ...filters(deviceId, kinds),
      order: 'newest',
      limit: 100,
      ...(beforeSeq !== undefined ? { beforeSeq } : {}),
    });
    if (!('nextBeforeSeq' in page)) {
      // This hub's audit API reads oldest first only.
      const { lastSeq } = await client.get<{ lastSeq: number }>('/health');
      return readWindow(client, deviceId, kinds, lastSeq);
    }
    entries.push(...page.items);
    const next = page.nextBeforeSeq ?? null;
    if (next === null) return { entries, next: null };
    beforeSeq = next;
    if (entries.length >= WANTED) break;
  }
  return { entries, next: beforeSeq === undefined ? null : { kind: 'newest', beforeSeq } };
}

/** `more` merged into `current`: newest first, without duplicates, at most `keep`. */
export function mergeNewestFirst(current: AuditEntry[], more: AuditEntry[], keep: number): AuditEntry[] {
  const bySeq = new Map<number, AuditEntry>();
  for (const e of [...current, ...more]) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, keep);
}
