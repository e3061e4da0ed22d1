import type { ConfigurationDocument, ConfigurationQueriesTestResult } from '@outpost/core';
import type { HubClient } from './http';

/** What the configuration form saves: the members IoT Hub lets a client set. */
export interface ConfigurationDraft {
  id: string;
  labels: Record<string, string>;
  targetCondition: string;
  priority: number;
  content: { deviceContent: Record<string, unknown> };
  metrics: { queries: Record<string, string> };
}

const path = (id: string) => `/configurations/${encodeURIComponent(id)}`;

/** Every configuration, by id, with its metrics as the hub last counted them. */
export function listConfigurations(
  client: HubClient,
  signal?: AbortSignal,
): Promise<ConfigurationDocument[]> {
  return client.get<ConfigurationDocument[]>('/configurations', undefined, signal);
}

/**
 * Creates a configuration (no etag) or updates one (`If-Match` its etag: someone else's change in
 * between is refused with 412 rather than overwritten). Content cannot change on update.
 */
export function saveConfiguration(
  client: HubClient,
  draft: ConfigurationDraft,
  etag?: string,
): Promise<ConfigurationDocument> {
  return client.put<ConfigurationDocument>(
    path(draft.id),
    { ...draft, schemaVersion: '1.0' },
    etag ? { headers: { 'if-match': `"${etag}"` } } : {},
  );
}

/** Deletes a configuration; the next evaluation removes what it set from the twins it applied to. */
export function deleteConfiguration(client: HubClient, id: string, etag: string): Promise<void> {
  return client.del(path(id), { headers: { 'if-match': `"${etag}"` } });
}

/** Checks a draft's target condition and metric queries; counts the devices the condition matches. */
export function testConfigurationQueries(
  client: HubClient,
  input: { targetCondition: string; customMetricQueries: Record<string, string> },
  signal?: AbortSignal,
): Promise<ConfigurationQueriesTestResult> {
  return client.post<ConfigurationQueriesTestResult>(
    '/configurations/testQueries',
    input,
    signal ? { signal } : {},
  );
}
