import { type Change, type ChangeKind, changeKindSchema } from '../contracts/change';
import { HubError } from '../errors';
import type { ChangeFeed } from '../feed/change-feed';
import { type AuditEntry, auditVisible, toAuditEntry } from './audit-entry';

/** What an audit request asks for; every field optional but the page bounds. */
export interface AuditFilter {
  deviceId?: string;
  /** `type:id` (e.g. `user:alice`) or a bare id matched against any actor type. */
  actor?: string;
  kinds?: ReadonlySet<ChangeKind>;
  /** Inclusive bounds on the change's wall time, in ms since the epoch. */
  since?: number;
  until?: number;
  afterSeq: number;
  limit: number;
}

/** One page of the audit trail. */
export interface AuditPage {
  items: AuditEntry[];
  /** Pass as `afterSeq` for the next page; null when the retained feed has no more to scan. */
  nextAfterSeq: number | null;
  /** The oldest change still retained: entries before it are gone (compacted). */
  firstRetainedSeq: number;
}

/** The largest page. */
export const MAX_AUDIT_LIMIT = 500;
const DEFAULT_LIMIT = 100;
// A sparse filter over a long feed must not read the whole feed in one request: a page may come
// back short (even empty) with a cursor, and the client continues from there.
const SCAN_BUDGET = 10_000;
const READ_CHUNK = 1_000;

function text(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new HubError('INVALID_ARGUMENT', `${name} must be given once.`);
  return v;
}

function whole(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,15}$/.test(value)) throw new HubError('INVALID_ARGUMENT', `${name} must be a whole number.`);
  return Number(value);
}

function time(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new HubError('INVALID_ARGUMENT', `${name} must be an ISO-8601 time, e.g. 2024-05-01T10:00:00Z.`);
  }
  return ms;
}

/** Parses `deviceId, actor, kind (comma list), since, until, afterSeq, limit` from a query string. */
export function parseAuditFilter(query: Record<string, unknown>): AuditFilter {
  const kindText = text(query, 'kind');
  let kinds: Set<ChangeKind> | undefined;
  if (kindText !== undefined) {
    kinds = new Set();
    for (const k of kindText.split(',')) {
      const parsed = changeKindSchema.safeParse(k.trim());
      if (!parsed.success)
        throw new HubError('INVALID_ARGUMENT', `kind ${k.slice(0, 40)} is not a change kind.`);
      kinds.add(parsed.data);
    }
  }
  const limit = whole(text(query, 'limit'), 'limit', DEFAULT_LIMIT);
  if (limit < 1 || limit > MAX_AUDIT_LIMIT) {
    throw new HubError('INVALID_ARGUMENT', `limit must be from 1 to ${MAX_AUDIT_LIMIT}.`);
  }
  const deviceId = text(query, 'deviceId');
  const actor = text(query, 'actor');
  const since = time(text(query, 'since'), 'since');
  const until = time(text(query, 'until'), 'until');
  return {
    ...(deviceId !== undefined ? { deviceId } : {}),
    ...(actor !== undefined ? { actor } : {}),
    ...(kinds ? { kinds } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    afterSeq: whole(text(query, 'afterSeq'), 'afterSeq', 0),
    limit,
  };
}

/** True when a change passes the filter (visibility is checked separately). */
export function matchesAudit(change: Change, filter: Omit<AuditFilter, 'afterSeq' | 'limit'>): boolean {
  const entry = toAuditEntry(change);
  if (filter.deviceId !== undefined && entry.deviceId !== filter.deviceId) return false;
  if (filter.kinds && !filter.kinds.has(change.kind)) return false;
  if (filter.actor !== undefined) {
    const { type, id } = change.actor;
    if (filter.actor !== id && filter.actor !== `${type}:${id}`) return false;
  }
  if (filter.since !== undefined || filter.until !== undefined) {
    const at = Date.parse(change.at);
    if (filter.since !== undefined && at < filter.since) return false;
    if (filter.until !== undefined && at > filter.until) return false;
  }
  return true;
}

/** Reads one page of the audit trail from the retained change feed, oldest first. */
export async function queryAudit(
  feed: ChangeFeed,
  filter: AuditFilter,
  canSeeUserChanges: boolean,
): Promise<AuditPage> {
  const items: AuditEntry[] = [];
  let cursor = filter.afterSeq;
  let scanned = 0;
  for (;;) {
    const page = await feed.read(cursor, READ_CHUNK);
    for (const change of page) {
      cursor = change.seq;
      scanned += 1;
      if (auditVisible(change, canSeeUserChanges) && matchesAudit(change, filter)) {
        items.push(toAuditEntry(change));
        if (items.length === filter.limit) {
          return { items, nextAfterSeq: cursor, firstRetainedSeq: feed.firstRetainedSeq() };
        }
      }
      if (scanned >= SCAN_BUDGET) {
        return { items, nextAfterSeq: cursor, firstRetainedSeq: feed.firstRetainedSeq() };
      }
    }
    if (page.length < READ_CHUNK) {
      return { items, nextAfterSeq: null, firstRetainedSeq: feed.firstRetainedSeq() };
    }
  }
}
