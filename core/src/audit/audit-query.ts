import { auditTextMatches } from '../contracts/audit-text';
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
  /** Case-insensitive words that must all appear in the kind, record id, actor or (redacted) patch. */
  text?: string;
  /** Newest first, from `beforeSeq` (exclusive; default: the newest change) down. */
  newestFirst?: true;
  beforeSeq?: number;
  afterSeq: number;
  limit: number;
}

/** One page of the audit trail. */
export interface AuditPage {
  items: AuditEntry[];
  /** Pass as `afterSeq` for the next page; null when the retained feed has no more to scan. */
  nextAfterSeq: number | null;
  /** Newest-first pages only: pass as `beforeSeq` for the next (older) page; null at the oldest. */
  nextBeforeSeq?: number | null;
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
const MAX_TEXT = 200;

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

function order(query: Record<string, unknown>): { newestFirst?: true; beforeSeq?: number } {
  const value = text(query, 'order') ?? 'oldest';
  if (value !== 'oldest' && value !== 'newest') {
    throw new HubError('INVALID_ARGUMENT', "order must be 'oldest' (the default) or 'newest'.");
  }
  const before = text(query, 'beforeSeq');
  if (value === 'oldest') {
    if (before !== undefined) throw new HubError('INVALID_ARGUMENT', 'beforeSeq needs order=newest.');
    return {};
  }
  if (text(query, 'afterSeq') !== undefined) {
    throw new HubError(
      'INVALID_ARGUMENT',
      'afterSeq pages oldest first; with order=newest page with beforeSeq.',
    );
  }
  return { newestFirst: true, ...(before !== undefined ? { beforeSeq: whole(before, 'beforeSeq', 0) } : {}) };
}

/**
 * Parses `deviceId, actor, kind (comma list), since, until, text, order (oldest|newest), afterSeq,
 * beforeSeq, limit` from a query string.
 */
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
  const search = text(query, 'text')?.trim();
  if (search !== undefined && search.length > MAX_TEXT) {
    throw new HubError('INVALID_ARGUMENT', `text must be at most ${MAX_TEXT} characters.`);
  }
  return {
    ...(deviceId !== undefined ? { deviceId } : {}),
    ...(actor !== undefined ? { actor } : {}),
    ...(kinds ? { kinds } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(search ? { text: search } : {}),
    ...order(query),
    afterSeq: whole(text(query, 'afterSeq'), 'afterSeq', 0),
    limit,
  };
}

/** True when a change passes the filter (visibility is checked separately). */
export function matchesAudit(
  change: Change,
  filter: Omit<AuditFilter, 'afterSeq' | 'beforeSeq' | 'newestFirst' | 'limit'>,
): boolean {
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
  if (filter.text !== undefined && !auditTextMatches(entry, filter.text)) return false;
  return true;
}

/** Reads one page of the audit trail from the retained change feed, oldest (or newest) first. */
export async function queryAudit(
  feed: ChangeFeed,
  filter: AuditFilter,
  canSeeUserChanges: boolean,
): Promise<AuditPage> {
  if (filter.newestFirst) return queryNewestFirst(feed, filter, canSeeUserChanges);
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

/** One newest-first page: the feed is read forward in chunks, each walked backwards. */
async function queryNewestFirst(
  feed: ChangeFeed,
  filter: AuditFilter,
  canSeeUserChanges: boolean,
): Promise<AuditPage> {
  const items: AuditEntry[] = [];
  const first = feed.firstRetainedSeq();
  // Exclusive upper bound of what is left to scan.
  let cursor = Math.min(filter.beforeSeq ?? Number.MAX_SAFE_INTEGER, feed.lastSeq() + 1);
  let scanned = 0;
  const done = (next: number | null): AuditPage => ({
    items,
    nextAfterSeq: null,
    // Nothing older is retained: say so now rather than with an empty next page.
    nextBeforeSeq: next !== null && next > first ? next : null,
    firstRetainedSeq: feed.firstRetainedSeq(),
  });
  while (cursor > first) {
    const from = Math.max(first - 1, cursor - 1 - READ_CHUNK);
    const page = await feed.read(from, cursor - 1 - from);
    for (let i = page.length - 1; i >= 0; i--) {
      const change = page[i] as Change;
      if (change.seq >= cursor) continue;
      cursor = change.seq;
      scanned += 1;
      if (auditVisible(change, canSeeUserChanges) && matchesAudit(change, filter)) {
        items.push(toAuditEntry(change));
        if (items.length === filter.limit) return done(cursor);
      }
      if (scanned >= SCAN_BUDGET) return done(cursor);
    }
    // Seqs of failed commits are never stored: step over the gap.
    cursor = Math.min(cursor, from + 1);
  }
  return done(null);
}
