/** Name of the store collection that holds configurations. */
export const CONFIGURATIONS = 'configurations';

/** A configuration as the hub stores it (service-api.md §3.5, without the computed metrics). */
export interface StoredConfiguration {
  id: string;
  schemaVersion: string;
  labels: Record<string, string>;
  /** Keys are twin paths `properties.desired.<path>`; a null value removes the path. */
  content: { deviceContent: Record<string, unknown> };
  targetCondition: string;
  priority: number;
  createdTimeUtc: string;
  lastUpdatedTimeUtc: string;
  etag: string;
  /** Custom metric queries by name (at most 5). */
  metricQueries: Record<string, string>;
  /**
   * The change seq of the creation. Why: priority ties go to the newest configuration, and two
   * creations can share a millisecond, so `createdTimeUtc` alone cannot order them.
   */
  createdSeq: number;
}

/** Query texts and their row counts. */
export interface MetricSet {
  queries: Record<string, string>;
  results: Record<string, number>;
}

/** A configuration as the IoT Hub API returns it (`GET /configurations/{id}`). */
export interface ConfigurationDocument {
  id: string;
  schemaVersion: string;
  labels: Record<string, string>;
  content: { deviceContent: Record<string, unknown> };
  targetCondition: string;
  priority: number;
  createdTimeUtc: string;
  lastUpdatedTimeUtc: string;
  etag: string;
  systemMetrics: MetricSet;
  metrics: MetricSet;
}

/** The configuration etag: base64 of the decimal change seq, as Azure's `MQ==` for 1. */
export function configurationEtag(seq: number): string {
  return Buffer.from(String(seq)).toString('base64');
}

/** The wire document of a stored configuration with its current metrics. */
export function toConfigurationDocument(
  rec: StoredConfiguration,
  systemMetrics: MetricSet,
  metrics: MetricSet,
): ConfigurationDocument {
  return structuredClone({
    id: rec.id,
    schemaVersion: rec.schemaVersion,
    labels: rec.labels,
    content: rec.content,
    targetCondition: rec.targetCondition,
    priority: rec.priority,
    createdTimeUtc: rec.createdTimeUtc,
    lastUpdatedTimeUtc: rec.lastUpdatedTimeUtc,
    etag: rec.etag,
    systemMetrics,
    metrics,
  });
}
