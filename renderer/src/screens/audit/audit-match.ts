/**
 * The hub's audit filter (core/src/audit/audit-query.ts), applied in the browser to entries that
 * arrive live on the event stream, so the list shows only what a new search would show.
 */
import type { AuditEntry } from '@outpost/core';
import { auditTextMatches } from '@outpost/core/contracts';
import type { AuditSearch } from '../../api/audit';

/** True when the entry passes the search. */
export function matchesSearch(entry: AuditEntry, search: AuditSearch): boolean {
  const deviceId = search.deviceId.trim();
  const actor = search.actor.trim();
  if (deviceId && entry.deviceId !== deviceId) return false;
  if (search.kind && entry.kind !== search.kind) return false;
  if (actor && actor !== entry.actor.id && actor !== `${entry.actor.type}:${entry.actor.id}`) return false;
  return !search.text.trim() || auditTextMatches(entry, search.text);
}

/** The search in a route's query string, and back. */
export function searchFromQuery(query: URLSearchParams): AuditSearch {
  return {
    deviceId: query.get('deviceId') ?? '',
    actor: query.get('actor') ?? '',
    kind: query.get('kind') ?? '',
    text: query.get('text') ?? '',
  };
}

export function queryOfSearch(search: AuditSearch): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) if (value.trim()) params.set(key, value.trim());
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}
