/** A configuration held in memory: its stored record, parsed queries, evaluator view and metric counts. */
import type { QuerySource } from '../query';
import { type ConfigurationQueries, countRows } from './configuration-queries';
import {
  type ConfigurationDocument,
  type StoredConfiguration,
  toConfigurationDocument,
} from './configuration-record';
import { contentEntries } from './desired-content';
import type { ActiveConfiguration } from './twin-plan';

/** Metric counts by name. */
export interface MetricResults {
  system: Record<string, number>;
  custom: Record<string, number>;
}

/** One configuration as the service keeps it. */
export interface ConfigurationEntry {
  rec: StoredConfiguration;
  queries: ConfigurationQueries;
  active: ActiveConfiguration;
  /** Counts as of the last full pass or read; undefined once twins changed since. */
  results?: MetricResults;
}

/** Builds the in-memory entry of a record whose queries are parsed. */
export function makeConfigurationEntry(
  rec: StoredConfiguration,
  queries: ConfigurationQueries,
): ConfigurationEntry {
  return {
    rec,
    queries,
    active: {
      id: rec.id,
      priority: rec.priority,
      createdSeq: rec.createdSeq,
      entries: contentEntries(rec.content.deviceContent),
      matches: (twin) => queries.condition.test(twin),
    },
  };
}

/** Counts every metric of an entry now and keeps the counts on it. */
export function measureConfiguration(entry: ConfigurationEntry, source: QuerySource): MetricResults {
  const { parsedSystem, parsedCustom } = entry.queries;
  entry.results = {
    system: {
      targetedCount: countRows(parsedSystem.targetedCount, source),
      appliedCount: countRows(parsedSystem.appliedCount, source),
    },
    custom: Object.fromEntries([...parsedCustom].map(([name, q]) => [name, countRows(q, source)])),
  };
  return entry.results;
}

/** The wire document of an entry; metrics are counted again when `fresh` or unknown. */
export function configurationDocumentOf(
  entry: ConfigurationEntry,
  source: QuerySource,
  fresh: boolean,
): ConfigurationDocument {
  const results = fresh || !entry.results ? measureConfiguration(entry, source) : entry.results;
  return toConfigurationDocument(
    entry.rec,
    { queries: entry.queries.system, results: results.system },
    { queries: entry.queries.custom, results: results.custom },
  );
}
