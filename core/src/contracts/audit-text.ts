import type { AuditEntry } from '../audit/audit-entry';

/**
 * True when every word of `search` appears in the entry's kind, record, actor, origin or patch
 * (matched on what callers see: no secrets). The hub filters `GET /api/v1/audit?text=` with it and
 * the operator UI filters the entries that arrive live, so both show the same list.
 */
export function auditTextMatches(entry: AuditEntry, search: string): boolean {
  const haystack = [
    entry.kind,
    entry.id,
    `${entry.actor.type}:${entry.actor.id}`,
    entry.origin,
    JSON.stringify(entry.patch ?? null),
  ]
    .join('\n')
    .toLowerCase();
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}
