import { mkdir } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  type Clock,
  createHub,
  generatePassword,
  type Hub,
  type Logger,
  type TelemetrySink,
} from '@outpost/core';
import type { RuntimeConfig } from './config';
import { createHttpHandler } from './http/app';
import type { HubInfoSource } from './http/routes/hub-info';
import { writeHubInfo } from './hub-info';
import { createJsonLogger } from './logging';
import { createHubMetrics, type HubMetrics } from './metrics/hub-metrics';
import { type GatewayStats, MQTT_WS_PATH, startDeviceEndpoints } from './mqtt';
import { openTelemetryOutbox, type TelemetryOutbox, type TelemetryOutboxOptions } from './outbox';
import { openLowdbStore } from './store';
import { ensureHubPki } from './tls';
import { OUTPOST_VERSION } from './version';

/** A running hub: its core, where to reach it, and how to stop it. */
export interface EdgeRuntime {
  hub: Hub;
  config: RuntimeConfig;
  /**
   * Where to reach it: the HTTPS API, MQTT over TLS (`mqtts://host:port`), MQTT over WebSockets
   * (`wss://host:port/$iothub/websocket`) and, when configured, plain MQTT on loopback.
   */
  urls: { https: string; health: string; mqtts: string; mqttWs: string; mqtt?: string };
  /** Paths of the hub's CA certificate and data directory. */
  paths: { dataDir: string; caPem: string };
  /** First-start secrets that were generated (shown once by the CLI; never logged). */
  generated: { adminPassword?: string; ownerKey?: boolean };
  /** Counters of the MQTT device gateway. */
  gatewayStats(): GatewayStats;
  /** The durable telemetry queue in `DATA_DIR/outbox/telemetry` (the gateway's sink unless overridden). */
  telemetry: TelemetryOutbox;
  /** The metrics behind `GET /metrics` (Prometheus text). */
  metrics: HubMetrics;
  /** Stops listening, flushes the store and closes it. */
  close(): Promise<void>;
}

/** Things tests or the Electron shell may inject. */
export interface RuntimeOverrides {
  logger?: Logger;
  clock?: Clock;
  /** First-start secrets (defaults: OUTPOST_* environment variables are read by the CLI, not here). */
  ownerKey?: string;
  adminPassword?: string;
  /**
   * Where device telemetry goes; the gateway PUBACKs only after `append` resolved. Default: the
   * durable telemetry outbox (`EdgeRuntime.telemetry`).
   */
  telemetrySink?: TelemetrySink;
  /** Disk budget, segment size and drop policy of the telemetry outbox (defaults: 1 GiB, 16 MiB, drop-oldest). */
  telemetryOutbox?: Pick<TelemetryOutboxOptions, 'budgetBytes' | 'segmentBytes' | 'dropPolicy'>;
  /** The operator UI's built files (default renderer/dist of this checkout); `false` serves none. */
  uiDir?: string | false;
}

/**
 * Names a SAS `sr` may carry: the host name, its aliases, and [LOCAL] the loopback names the
 * certificate always covers, so a client on the gateway itself can sign for `localhost`.
 */
export function acceptedHostNames(config: RuntimeConfig): string[] {
  return [...new Set([config.hostName, ...config.hostAliases, 'localhost', '127.0.0.1'])];
}

/** A size, or 0 when it could not be read (NaN) or is not known yet. */
function finiteOr0(n: number | undefined): number {
  return n !== undefined && Number.isFinite(n) ? n : 0;
}

/** The host name clients should dial: the configured name, which the certificate covers. */
function publicHost(config: RuntimeConfig): string {
  return config.hostName.includes(':') ? `[${config.hostName}]` : config.hostName;
}

// The Node SDK keeps sockets alive and never retries ECONNRESET (service-api.md pitfall 16).
const KEEP_ALIVE_MS = 120_000;

/** Starts the edge runtime: store, hub, TLS material and the HTTPS API. Has no side effects on import. */
export async function startEdgeRuntime(
  config: RuntimeConfig,
  overrides: RuntimeOverrides = {},
): Promise<EdgeRuntime> {
  const logger = overrides.logger ?? createJsonLogger(config.logLevel);
  const dataDir = path.resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const pki = await ensureHubPki({
    dir: path.join(dataDir, 'tls'),
    hostName: config.hostName,
    sans: [...config.hostAliases, ...config.sans],
    bindAddress: config.bind,
  });
  // What is already open is closed again, newest first, if a later step fails (e.g. EADDRINUSE).
  const opened: (() => Promise<void>)[] = [];
  const metrics = createHubMetrics();
  opened.push(async () => metrics.close());
  const unwind = async () => {
    for (const close of opened.reverse()) await close().catch(() => {});
  };
  try {
    const telemetry = await openTelemetryOutbox({
      dir: path.join(dataDir, 'outbox', 'telemetry'),
      logger,
      ...overrides.telemetryOutbox,
    });
    opened.push(() => telemetry.close());
    // Devices get CONNACK 3 (the SDK retries it) from here until the hub is attached below.
    const endpoints = await startDeviceEndpoints({
      hostNames: acceptedHostNames(config),
      skewSeconds: config.clockSkewSeconds,
      telemetrySink: overrides.telemetrySink ?? telemetry,
      logger,
      tlsDir: path.join(dataDir, 'tls'),
      pki,
      bind: config.bind,
      mqttsPort: config.mqttsPort,
      ...(config.mqttPlainPort === undefined ? {} : { mqttPlainPort: config.mqttPlainPort }),
    });
    opened.push(() => endpoints.close());
    const adminPassword = overrides.adminPassword ?? generatePassword();
    // Per-device collections are sharded so a checkpoint rewrites only the shards that changed.
    const store = await openLowdbStore({
      dir: path.join(dataDir, 'store'),
      logger,
      shards: { devices: 64, 'job-devices': 16, 'device-subscriptions': 16, c2d: 8 },
      onBatch: (ms, entries) => metrics.observeStoreBatch(ms, entries),
    });
    const hub = await createHub({
      store,
      logger,
      ...(overrides.clock ? { clock: overrides.clock } : {}),
      ...(overrides.ownerKey ? { ownerKey: overrides.ownerKey } : {}),
      adminPassword,
      ...(config.hubId ? { hubId: config.hubId } : {}),
      // Timed here so direct methods from REST and from jobs alike land in the latency histogram.
      deviceLink: metrics.instrumentLink(endpoints.gateway.link),
    });
    opened.push(() => hub.close());
    endpoints.gateway.attach(hub);
    metrics.attach({ hub, gatewayStats: () => endpoints.gateway.stats(), telemetry, store });

    const shutdown = new AbortController();
    const startedAt = new Date().toISOString();
    let listening: https.Server | undefined;
    const hubInfo: HubInfoSource = {
      caPemPath: pki.caPath,
      describe: async () => {
        const port = (listening?.address() as AddressInfo | null)?.port ?? config.httpsPort;
        const outbox = telemetry.stats();
        const host = publicHost(config);
        return {
          hubId: hub.hubId,
          version: OUTPOST_VERSION,
          hostName: config.hostName,
          hostAliases: config.hostAliases,
          ports: {
            https: port,
            mqtts: endpoints.mqttsPort,
            ...(endpoints.mqttPlainPort === undefined ? {} : { mqttPlain: endpoints.mqttPlainPort }),
          },
          urls: {
            https: `https://${host}:${port}`,
            mqtts: `mqtts://${host}:${endpoints.mqttsPort}`,
            mqttWs: `wss://${host}:${port}${MQTT_WS_PATH}`,
          },
          startedAt,
          devices: hub.devices.size(),
          lastSeq: hub.feed.lastSeq(),
          // The metrics' cached walk: a page polling this must not walk the store's directory each time.
          store: { bytes: finiteOr0(await metrics.storeSizeBytes()), lastSeq: store.stats().lastSeq },
          telemetryQueue: {
            bytes: outbox.bytes,
            budgetBytes: outbox.budgetBytes,
            records: Math.max(0, outbox.lastSeq - outbox.cursor),
            dropped: outbox.droppedRecords,
          },
        };
      },
    };
    const handler = createHttpHandler({
      hubInfo,
      ...(overrides.uiDir === undefined ? {} : { uiDir: overrides.uiDir }),
      hub,
      hostNames: acceptedHostNames(config),
      skewSeconds: config.clockSkewSeconds,
      logger,
      telemetry,
      shutdown: shutdown.signal,
      metrics,
    });
    // The certificate is requested, not required: X.509 devices over MqttWs present one here
    // (device-protocol.md §1.6), while browsers and SDK back ends present none. Only certificates of
    // the device CAs are asked for, so a browser with unrelated client certificates is not prompted.
    const server = https.createServer(
      {
        cert: pki.certPem,
        key: pki.keyPem,
        requestCert: true,
        rejectUnauthorized: false,
        ca: endpoints.deviceCas,
      },
      handler,
    );
    listening = server;
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    server.headersTimeout = KEEP_ALIVE_MS + 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.httpsPort, config.bind, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return await finishStart({
      config,
      logger,
      dataDir,
      pki,
      hub,
      endpoints,
      telemetry,
      server,
      shutdown,
      overrides,
      adminPassword,
      metrics,
    });
  } catch (err) {
    await unwind();
    throw err;
  }
}

/** The part of the start that runs once every listener is up: URLs, hub.json and the handle. */
async function finishStart(ctx: {
  config: RuntimeConfig;
  logger: Logger;
  dataDir: string;
  pki: { caPath: string };
  hub: Hub;
  endpoints: Awaited<ReturnType<typeof startDeviceEndpoints>>;
  telemetry: TelemetryOutbox;
  server: https.Server;
  shutdown: AbortController;
  overrides: RuntimeOverrides;
  adminPassword: string;
  metrics: HubMetrics;
}): Promise<EdgeRuntime> {
  const {
    config,
    logger,
    dataDir,
    pki,
    hub,
    endpoints,
    telemetry,
    server,
    shutdown,
    overrides,
    adminPassword,
    metrics,
  } = ctx;
  const port = (server.address() as AddressInfo).port;
  endpoints.serveWebSockets(server);
  // Non-secret facts for the data-dir tools (`outpost policy show` puts the right HostName in).
  await writeHubInfo(dataDir, {
    hubId: hub.hubId,
    hostName: config.hostName,
    hostAliases: config.hostAliases,
    httpsPort: port,
    mqttsPort: endpoints.mqttsPort,
  });
  const host = config.bind === '0.0.0.0' || config.bind === '::' ? 'localhost' : config.bind;
  const base = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const urls: EdgeRuntime['urls'] = {
    https: base,
    health: `${base}/health`,
    mqtts: `mqtts://${hostPart}:${endpoints.mqttsPort}`,
    mqttWs: `wss://${hostPart}:${port}${MQTT_WS_PATH}`,
    ...(endpoints.mqttPlainPort === undefined ? {} : { mqtt: `mqtt://127.0.0.1:${endpoints.mqttPlainPort}` }),
  };
  logger.info('hub started', { hubId: hub.hubId, ...urls, devices: hub.devices.size(), dataDir });

  let closing: Promise<void> | undefined;
  return {
    hub,
    config,
    urls,
    paths: { dataDir, caPem: pki.caPath },
    generated: hub.isNew
      ? { ...(overrides.adminPassword ? {} : { adminPassword }), ownerKey: !overrides.ownerKey }
      : {},
    gatewayStats: () => endpoints.gateway.stats(),
    telemetry,
    metrics,
    close() {
      closing ??= (async () => {
        // Jobs stop first, so no job starts a call that the closing gateway would fail as offline;
        // then devices get CONNACK 3 and their connections end before the store closes.
        await hub.jobs.close();
        await endpoints.close();
        // Event streams never end by themselves; server.close() would wait for them forever.
        shutdown.abort();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await telemetry.close();
        await hub.close();
        metrics.close();
        logger.info('hub stopped', { hubId: hub.hubId });
      })();
      return closing;
    },
  };
}
