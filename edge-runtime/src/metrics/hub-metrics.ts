/**
 * `GET /metrics`: the hub's gauges and counters in the Prometheus text format, gathered from the
 * gateway, the telemetry outbox, the store, the C2D and job services, plus two histograms measured
 * here (direct-method latency, store batch commit) and process health (memory, event-loop lag).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type DeviceLink, type Hub, isHubError } from '@outpost/core';
import type { GatewayStats } from '../mqtt';
import type { TelemetryOutbox } from '../outbox';
import type { LowdbStoreStats } from '../store';
import { Exposition, Histogram } from './exposition';

/** Where the metrics come from; every source but the hub is optional. */
export interface HubMetricsSources {
  hub: Hub;
  gatewayStats?: () => GatewayStats;
  telemetry?: Pick<TelemetryOutbox, 'stats'>;
  store?: { stats(): LowdbStoreStats; sizeBytes(): Promise<number> };
}

/** The metrics of one running hub. */
export interface HubMetrics {
  /** Wraps a device link so every direct-method call is timed (REST and jobs alike). */
  instrumentLink(link: DeviceLink): DeviceLink;
  /** The store's batch hook: one journal batch of `entries` entries took `ms`. */
  observeStoreBatch(ms: number, entries: number): void;
  /** Attaches the sources that exist only once the hub is up. */
  attach(sources: HubMetricsSources): void;
  /** The exposition document. */
  render(): Promise<string>;
  /** Disk usage of the store, walked at most every 10 s (undefined before the hub is attached). */
  storeSizeBytes(): Promise<number | undefined>;
  /** Stops the event-loop monitor and the event listeners. */
  close(): void;
}

// Seconds. Methods: a LAN device answers in milliseconds; the default response timeout is 30 s.
const METHOD_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
// Seconds. A journal batch is one file write and two fsyncs.
const STORE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const JOB_STATUSES = ['queued', 'scheduled', 'running', 'completed', 'failed', 'cancelled'];
const ROW_STATUSES = ['pending', 'scheduled', 'running', 'completed', 'failed', 'canceled'];
// The store's directory is walked to size it; a scrape every few seconds need not walk it each time.
const SIZE_CACHE_MS = 10_000;

/** Creates the metrics; sources are attached once the hub runs. */
export function createHubMetrics(): HubMetrics {
  const methodLatency = new Histogram(METHOD_BUCKETS);
  const methodOutcomes = new Map<string, number>();
  const storeBatches = new Histogram(STORE_BUCKETS);
  let storeBatchEntries = 0;
  const twinUpdates = { desired: 0, reported: 0, tags: 0 };
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  let sources: HubMetricsSources | undefined;
  const offs: (() => void)[] = [];
  let sizeCache: { at: number; bytes: number } | undefined;

  const countOutcome = (outcome: string) =>
    methodOutcomes.set(outcome, (methodOutcomes.get(outcome) ?? 0) + 1);

  const storeSize = async (): Promise<number | undefined> => {
    const store = sources?.store;
    if (!store) return undefined;
    const now = Date.now();
    if (!sizeCache || now - sizeCache.at > SIZE_CACHE_MS) {
      sizeCache = { at: now, bytes: await store.sizeBytes().catch(() => Number.NaN) };
    }
    return sizeCache.bytes;
  };

  return {
    storeSizeBytes: storeSize,
    instrumentLink(link) {
      return {
        isConnected: (deviceId, moduleId) => link.isConnected(deviceId, moduleId),
        acceptsMethods: (deviceId, moduleId) => link.acceptsMethods(deviceId, moduleId),
        acceptsC2d: (deviceId) => link.acceptsC2d(deviceId),
        deliverC2d: (message) => link.deliverC2d(message),
        async invokeMethod(request) {
          const started = performance.now();
          try {
            const response = await link.invokeMethod(request);
            countOutcome('answered');
            return response;
          } catch (err) {
            countOutcome(
              isHubError(err, 'GATEWAY_TIMEOUT')
                ? 'timeout'
                : isHubError(err, 'DEVICE_NOT_ONLINE')
                  ? 'offline'
                  : 'error',
            );
            throw err;
          } finally {
            methodLatency.observe((performance.now() - started) / 1000);
          }
        },
      };
    },

    observeStoreBatch(ms, entries) {
      storeBatches.observe(ms / 1000);
      storeBatchEntries += entries;
    },

    attach(next) {
      sources = next;
      const { events } = next.hub;
      offs.push(events.on('twinDesiredChanged', 'metrics', () => void twinUpdates.desired++));
      offs.push(events.on('twinReportedChanged', 'metrics', () => void twinUpdates.reported++));
      offs.push(events.on('twinTagsChanged', 'metrics', () => void twinUpdates.tags++));
    },

    async render() {
      const out = new Exposition();
      const hub = sources?.hub;
      const gw = sources?.gatewayStats?.();
      if (hub) {
        out.family('outpost_devices', 'gauge', 'Device identities in the registry.', hub.devices.size());
      }
      if (gw) {
        out
          .family(
            'outpost_devices_connected',
            'gauge',
            'Authenticated MQTT connections open now.',
            gw.connectionsOpen,
          )
          .family('outpost_mqtt_connects_total', 'counter', 'MQTT CONNECTs by result.', [
            { labels: { result: 'accepted' }, value: gw.connectsAccepted },
            { labels: { result: 'refused' }, value: gw.connectsRefused },
            { labels: { result: 'unavailable' }, value: gw.connectsUnavailable },
          ])
          .family(
            'outpost_mqtt_connections_dropped_total',
            'counter',
            'Connections closed by the hub (identity disabled, deleted, re-keyed or expired).',
            gw.connectionsDropped,
          )
          .family(
            'outpost_mqtt_connection_errors_total',
            'counter',
            'Connections closed by a protocol or socket error.',
            gw.connectionErrors,
          )
          .family('outpost_mqtt_refused_total', 'counter', 'SUBSCRIBEs and PUBLISHes refused.', [
            { labels: { what: 'subscribe' }, value: gw.subscribesDenied },
            { labels: { what: 'publish' }, value: gw.publishesDenied },
            { labels: { what: 'telemetry' }, value: gw.telemetryRefused },
          ])
          .family('outpost_mqtt_messages_in_total', 'counter', 'MQTT messages from devices, by kind.', [
            { labels: { kind: 'telemetry' }, value: gw.telemetryAccepted },
            { labels: { kind: 'twin' }, value: gw.twinRequests },
          ])
          .family('outpost_mqtt_messages_out_total', 'counter', 'MQTT messages to devices, by kind.', [
            { labels: { kind: 'desired' }, value: gw.desiredSent },
            { labels: { kind: 'method' }, value: gw.methodsInvoked },
            { labels: { kind: 'c2d' }, value: hub?.c2d.stats().sent ?? 0 },
          ])
          .family(
            'outpost_twin_request_errors_total',
            'counter',
            'Twin requests answered with an error.',
            gw.twinErrors,
          )
          .family(
            'outpost_methods_timed_out_total',
            'counter',
            'Direct methods that got no answer in time.',
            gw.methodsTimedOut,
          );
      }
      out.family(
        'outpost_twin_updates_total',
        'counter',
        'Committed twin changes since start, by section.',
        Object.entries(twinUpdates).map(([section, value]) => ({ labels: { section }, value })),
      );
      out.histogram(
        'outpost_method_duration_seconds',
        'Direct-method round trips through the gateway (REST and jobs).',
        methodLatency,
      );
      out.family(
        'outpost_method_calls_total',
        'counter',
        'Direct-method calls through the gateway, by outcome.',
        ['answered', 'timeout', 'offline', 'error'].map((outcome) => ({
          labels: { outcome },
          value: methodOutcomes.get(outcome) ?? 0,
        })),
      );
      if (hub) {
        const c2d = hub.c2d.stats();
        out
          .family(
            'outpost_c2d_queued',
            'gauge',
            'Cloud-to-device messages waiting in device queues.',
            c2d.queued,
          )
          .family('outpost_c2d_messages_total', 'counter', 'Cloud-to-device messages by fate.', [
            { labels: { fate: 'delivered' }, value: c2d.delivered },
            { labels: { fate: 'expired' }, value: c2d.expired },
            { labels: { fate: 'purged' }, value: c2d.purged },
            { labels: { fate: 'deadLettered' }, value: c2d.deadLettered },
            { labels: { fate: 'deliveryFailure' }, value: c2d.deliveryFailures },
          ]);
        const jobs = new Map<string, number>();
        let continuation: string | undefined;
        do {
          const page = hub.jobs.list({ pageSize: 100, ...(continuation ? { continuation } : {}) });
          for (const job of page.jobs) jobs.set(job.status, (jobs.get(job.status) ?? 0) + 1);
          continuation = page.continuation;
        } while (continuation);
        const rows = new Map<string, number>();
        for (const row of hub.jobs.rows()) rows.set(row.status, (rows.get(row.status) ?? 0) + 1);
        out
          .family(
            'outpost_jobs',
            'gauge',
            'Jobs by status.',
            JOB_STATUSES.map((status) => ({ labels: { status }, value: jobs.get(status) ?? 0 })),
          )
          .family(
            'outpost_job_devices',
            'gauge',
            'Device rows of all jobs by status.',
            ROW_STATUSES.map((status) => ({ labels: { status }, value: rows.get(status) ?? 0 })),
          )
          .family(
            'outpost_change_feed_last_seq',
            'gauge',
            'Seq of the newest committed change.',
            hub.feed.lastSeq(),
          );
      }
      const outbox = sources?.telemetry?.stats();
      if (outbox) {
        out
          .family(
            'outpost_telemetry_outbox_bytes',
            'gauge',
            'Bytes of the telemetry outbox on disk.',
            outbox.bytes,
          )
          .family(
            'outpost_telemetry_outbox_budget_bytes',
            'gauge',
            'Disk budget of the telemetry outbox.',
            outbox.budgetBytes,
          )
          .family(
            'outpost_telemetry_outbox_records',
            'gauge',
            'Records retained in the telemetry outbox.',
            Math.max(0, outbox.lastSeq - outbox.firstSeq + 1),
          )
          .family(
            'outpost_telemetry_outbox_undrained_records',
            'gauge',
            'Retained records past the upstream cursor.',
            Math.max(0, outbox.lastSeq - Math.max(outbox.cursor, outbox.firstSeq - 1)),
          )
          .family('outpost_telemetry_outbox_records_total', 'counter', 'Outbox records by fate.', [
            { labels: { fate: 'appended' }, value: outbox.appended },
            { labels: { fate: 'dropped' }, value: outbox.droppedRecords },
            { labels: { fate: 'rejected' }, value: outbox.rejectedRecords },
          ]);
      }
      const store = sources?.store?.stats();
      if (store) {
        out
          .family('outpost_store_records', 'gauge', 'Records held by the store.', store.records)
          .family(
            'outpost_store_queued_entries',
            'gauge',
            'Entries waiting for the next journal batch.',
            store.queuedEntries,
          )
          .family(
            'outpost_store_journal_bytes',
            'gauge',
            'Bytes of journal not yet checkpointed.',
            store.journalBytes,
          )
          .family('outpost_store_batches_total', 'counter', 'Journal batches by result.', [
            { labels: { result: 'written' }, value: store.batchesWritten },
            { labels: { result: 'failed' }, value: store.failedBatches },
          ])
          .family(
            'outpost_store_entries_total',
            'counter',
            'Entries written in journal batches.',
            store.entriesWritten,
          )
          .family(
            'outpost_store_checkpoints_total',
            'counter',
            'Checkpoints since start.',
            store.checkpoints,
          );
      }
      out.histogram(
        'outpost_store_batch_commit_seconds',
        'Journal batch commits (write and fsync).',
        storeBatches,
      );
      out.family(
        'outpost_store_batch_commit_entries_total',
        'counter',
        'Entries in timed journal batches.',
        storeBatchEntries,
      );
      const size = await storeSize();
      if (size !== undefined)
        out.family('outpost_store_size_bytes', 'gauge', 'Disk usage of the store.', size);
      out
        .family(
          'process_resident_memory_bytes',
          'gauge',
          'Resident memory size in bytes.',
          process.memoryUsage.rss(),
        )
        .family('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use.', process.memoryUsage().heapUsed)
        .family('process_uptime_seconds', 'gauge', 'Seconds since the process started.', process.uptime())
        .family(
          'nodejs_eventloop_lag_seconds',
          'gauge',
          'Mean event-loop delay since the last scrape.',
          nsToS(loop.mean),
        )
        .family(
          'nodejs_eventloop_lag_p99_seconds',
          'gauge',
          '99th percentile event-loop delay since the last scrape.',
          nsToS(loop.percentile(99)),
        )
        .family(
          'nodejs_eventloop_lag_max_seconds',
          'gauge',
          'Largest event-loop delay since the last scrape.',
          nsToS(loop.max),
        );
      loop.reset();
      return out.toString();
    },

    close() {
      loop.disable();
      for (const off of offs.splice(0)) off();
    },
  };
}

function nsToS(ns: number): number {
  return Number.isFinite(ns) ? ns / 1e9 : 0;
}
