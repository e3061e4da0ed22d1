/** The Monitor screen's reads and the alert-rule writes (`/api/v1/fleet/*`, `/api/v1/alerts*`, jobs). */
// One namespace import: the dependency-rule check sees `type` only on a one-line import.
import type * as Core from '@outpost/core';
import type { HubClient } from './http';

/** The fleet at a glance; `silentMinutes` sets what counts as silent. */
export function fetchFleetSummary(client: HubClient, silentMinutes: number, signal?: AbortSignal) {
  return client.get<Core.FleetSummary>('/api/v1/fleet/summary', { silentMinutes }, signal);
}

/** Connected devices over the last `minutes`. */
export function fetchConnectionHistory(client: HubClient, minutes: number, signal?: AbortSignal) {
  return client.get<Core.ConnectionHistory>('/api/v1/fleet/connections/history', { minutes }, signal);
}

/** Every alert rule evaluated now. */
export function fetchAlerts(client: HubClient, signal?: AbortSignal) {
  return client.get<Core.AlertsNow>('/api/v1/alerts', undefined, signal);
}

const rulePath = (id: string) => `/api/v1/alerts/rules/${encodeURIComponent(id)}`;

/** Creates or replaces a rule. */
export function saveAlertRule(client: HubClient, id: string, input: Partial<Core.AlertRuleInput>) {
  return client.put<Core.AlertRule>(rulePath(id), input);
}

/** Deletes a rule. */
export function deleteAlertRule(client: HubClient, id: string) {
  return client.del(rulePath(id));
}

/** A rule id from its name: lower-case words joined by `-` (the hub's id rules). */
export function ruleIdOf(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

/** Jobs that are not finished (queued, scheduled, running), by start time. */
export async function fetchActiveJobs(client: HubClient, signal?: AbortSignal): Promise<Core.JobResponse[]> {
  const pages = await Promise.all(
    (['running', 'queued', 'scheduled'] as const).map((jobStatus) =>
      client.request<Core.JobResponse[]>('GET', '/jobs/v2/query', {
        query: { jobStatus },
        headers: { 'x-ms-max-item-count': '100' },
        ...(signal ? { signal } : {}),
      }),
    ),
  );
  return pages.flatMap((p) => p.data).sort((a, b) => a.startTime.localeCompare(b.startTime));
}
