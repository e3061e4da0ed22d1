/**
 * Automatic device configurations (service-api.md §2.7, §3.5): CRUD with etags, persisted and
 * recorded in the change feed, applied to twins by the evaluator, with live metrics.
 */
import type { Actor, Change, ChangeKind } from '../contracts/change';
import { HubError } from '../errors';
import type { ChangeFeed } from '../feed/change-feed';
import type { Logger } from '../ports/logger';
import type { QuerySource } from '../query';
import { canonicalJson } from '../query/values';
import type { DeviceTable } from '../registry/device-table';
import { etagMatches } from '../twins/etag';
import type { TwinService } from '../twins/twin-service';
import {
  configurationDocumentOf,
  type ConfigurationEntry as Entry,
  makeConfigurationEntry,
  measureConfiguration,
} from './configuration-entry';
import {
  createConfigurationEvaluator,
  type EvaluationOptions,
  type EvaluationStats,
  isConfigurationActor,
} from './configuration-evaluator';
import { validateConfigurationId } from './configuration-id';
import { parseConfigurationInput } from './configuration-input';
import { compileConfigurationQueries } from './configuration-queries';
import {
  CONFIGURATIONS,
  type ConfigurationDocument,
  configurationEtag,
  type StoredConfiguration,
} from './configuration-record';
import { type ActiveConfiguration, byPrecedence } from './twin-plan';

/** Configuration operations (the IoT Hub `/configurations` API). */
export interface ConfigurationService {
  /** Creates a configuration (`PUT` without If-Match); 409 when the id exists. */
  create(id: string, body: unknown, actor: Actor): Promise<ConfigurationDocument>;
  /** Updates the mutable members (`PUT` with If-Match); changed content is refused. */
  update(
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    actor: Actor,
  ): Promise<ConfigurationDocument>;
  /** A configuration with freshly counted metrics. */
  get(id: string): ConfigurationDocument;
  /** All configurations by id (at most `top`); metrics as of the last evaluation or read. */
  list(top?: number): ConfigurationDocument[];
  /** Deletes a configuration; its content is removed from the twins by the next evaluation. */
  delete(id: string, ifMatch: string | undefined, actor: Actor): Promise<void>;
  /** Runs pending evaluation now; resolves once the twins reflect every configuration. */
  evaluate(): Promise<void>;
  /** Evaluation counters. */
  stats(): EvaluationStats;
  /** Stops evaluating (timers included) and waits for a running pass. */
  close(): Promise<void>;
}

/** What the configuration service is built from. */
export interface ConfigurationServiceDeps {
  table: DeviceTable;
  feed: ChangeFeed;
  twins: TwinService;
  /** The rows queries run over (metrics). */
  source: QuerySource;
  logger: Logger;
  nowIso: () => string;
  /** Stored configurations, as loaded. */
  initial: Iterable<unknown> | undefined;
  /** Subscribes to committed hub changes of one kind. */
  on: (kind: ChangeKind, listener: (change: Change) => void) => () => void;
  options?: EvaluationOptions;
}

/** Azure's standard-tier quota, which also bounds the work of each evaluation pass [LOCAL]. */
export const MAX_CONFIGURATIONS = 100;

// The twin changes that can move a twin in or out of a target set, or undo a configuration's write.
const TWIN_TRIGGERS: readonly ChangeKind[] = [
  'deviceCreated',
  'deviceUpdated',
  'twinTagsChanged',
  'twinReportedChanged',
  'twinDesiredChanged',
];

/** Creates the service and starts evaluating (a first full pass is scheduled at once). */
export function createConfigurationService(deps: ConfigurationServiceDeps): ConfigurationService {
  const { feed, source, logger } = deps;
  const entries = new Map<string, Entry>();
  let ordered: readonly ActiveConfiguration[] | undefined;

  const put = (entry: Entry | undefined, id: string) => {
    if (entry) entries.set(id, entry);
    else entries.delete(id);
    ordered = undefined;
  };
  for (const doc of deps.initial ?? []) {
    const rec = doc as StoredConfiguration;
    try {
      put(
        makeConfigurationEntry(
          rec,
          compileConfigurationQueries(rec.id, rec.targetCondition, rec.metricQueries),
        ),
        rec.id,
      );
    } catch (err) {
      logger.error('stored configuration does not compile', { id: rec.id, error: String(err) });
    }
  }

  const measure = (e: Entry) => measureConfiguration(e, source);
  const documentOf = (e: Entry, fresh: boolean) => configurationDocumentOf(e, source, fresh);

  const evaluator = createConfigurationEvaluator({
    table: deps.table,
    feed,
    twins: deps.twins,
    logger,
    active: () => {
      ordered ??= [...entries.values()].map((e) => e.active).sort(byPrecedence);
      return ordered;
    },
    onPass: (full) => {
      for (const e of entries.values()) {
        if (full) measure(e);
        else delete e.results;
      }
    },
    ...(deps.options ? { options: deps.options } : {}),
  });
  const unsubscribe = TWIN_TRIGGERS.map((kind) =>
    deps.on(kind, (change) => {
      // The evaluator's own desired writes must not start another evaluation of the twin.
      if (!isConfigurationActor(change.actor)) evaluator.twinChanged(change.id);
    }),
  );
  unsubscribe.push(
    deps.on('deviceDeleted', () => {
      for (const e of entries.values()) delete e.results;
    }),
  );
  evaluator.everythingChanged();

  const mustGet = (id: string): Entry => {
    const e = entries.get(id);
    if (!e) throw new HubError('CONFIGURATION_NOT_FOUND', `Configuration ${id} does not exist.`, { id });
    return e;
  };
  const commit = async (
    kind: ChangeKind,
    id: string,
    entry: Entry | undefined,
    patch: unknown,
    actor: Actor,
  ) => {
    const previous = entries.get(id);
    put(entry, id);
    try {
      await feed.append({
        kind,
        actor,
        id,
        patch,
        writes: [{ collection: CONFIGURATIONS, id, doc: entry?.rec ?? null }],
      });
    } catch (err) {
      put(previous, id);
      throw err;
    }
  };

  return {
    async create(id, body, actor) {
      validateConfigurationId(id);
      if (entries.has(id)) {
        throw new HubError('CONFIGURATION_ALREADY_EXISTS', `Configuration ${id} already exists.`, { id });
      }
      if (entries.size >= MAX_CONFIGURATIONS) {
        throw new HubError(
          'CONFIGURATION_LIMIT_EXCEEDED',
          `The hub holds ${MAX_CONFIGURATIONS} configurations already.`,
        );
      }
      const input = parseConfigurationInput(body);
      if (input.id !== undefined && input.id !== id) {
        throw new HubError('INVALID_ARGUMENT', `The body id ${input.id} differs from the path ${id}.`);
      }
      if (!input.content)
        throw new HubError('INVALID_ARGUMENT', 'A configuration needs content.deviceContent.');
      const queries = compileConfigurationQueries(id, input.targetCondition, input.metricQueries);
      const seq = feed.lastSeq() + 1;
      const now = deps.nowIso();
      const rec: StoredConfiguration = {
        id,
        schemaVersion: input.schemaVersion,
        labels: input.labels,
        content: input.content,
        targetCondition: input.targetCondition,
        priority: input.priority,
        createdTimeUtc: now,
        lastUpdatedTimeUtc: now,
        etag: configurationEtag(seq),
        metricQueries: input.metricQueries,
        createdSeq: seq,
      };
      const entry = makeConfigurationEntry(rec, queries);
      const { createdSeq: _s, ...patch } = rec;
      await commit('configurationCreated', id, entry, patch, actor);
      evaluator.everythingChanged();
      return documentOf(entry, true);
    },

    async update(id, body, ifMatch, actor) {
      const old = mustGet(id);
      const input = parseConfigurationInput(body);
      if (input.id !== undefined && input.id !== id) {
        throw new HubError('INVALID_ARGUMENT', `The body id ${input.id} differs from the path ${id}.`);
      }
      if (!etagMatches(ifMatch, old.rec.etag)) {
        throw new HubError('PRECONDITION_FAILED', `The etag of configuration ${id} does not match If-Match.`);
      }
      if (input.content && canonicalJson(input.content) !== canonicalJson(old.rec.content)) {
        throw new HubError(
          'CONFIGURATION_CONTENT_IMMUTABLE',
          `The content of configuration ${id} cannot change: create a new configuration instead.`,
        );
      }
      const queries = compileConfigurationQueries(id, input.targetCondition, input.metricQueries);
      const rec: StoredConfiguration = {
        ...old.rec,
        labels: input.labels,
        targetCondition: input.targetCondition,
        priority: input.priority,
        metricQueries: input.metricQueries,
        etag: configurationEtag(feed.lastSeq() + 1),
        lastUpdatedTimeUtc: deps.nowIso(),
      };
      const entry = makeConfigurationEntry(rec, queries);
      const patch = {
        labels: rec.labels,
        targetCondition: rec.targetCondition,
        priority: rec.priority,
        metricQueries: rec.metricQueries,
        etag: rec.etag,
      };
      await commit('configurationUpdated', id, entry, patch, actor);
      // Labels and metrics change no twin; the target set and the precedence do.
      if (rec.targetCondition !== old.rec.targetCondition || rec.priority !== old.rec.priority) {
        evaluator.everythingChanged();
      }
      return documentOf(entry, true);
    },

    get: (id) => documentOf(mustGet(id), true),

    list(top) {
      const ids = [...entries.keys()].sort();
      const limit = top !== undefined && top > 0 ? Math.trunc(top) : ids.length;
      return ids.slice(0, limit).map((id) => documentOf(mustGet(id), false));
    },

    async delete(id, ifMatch, actor) {
      const old = mustGet(id);
      if (!etagMatches(ifMatch, old.rec.etag)) {
        throw new HubError('PRECONDITION_FAILED', `The etag of configuration ${id} does not match If-Match.`);
      }
      await commit('configurationDeleted', id, undefined, null, actor);
      evaluator.everythingChanged();
    },

    evaluate: () => evaluator.flush(),
    stats: () => evaluator.stats(),
    async close() {
      for (const off of unsubscribe) off();
      await evaluator.close();
    },
  };
}
