import { mkdir } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Clock, createHub, generatePassword, type Hub, type Logger } from '@outpost/core';
import type { RuntimeConfig } from './config';
import { createHttpApp } from './http/app';
import { writeHubInfo } from './hub-info';
import { createJsonLogger } from './logging';
import { openLowdbStore } from './store';
import { ensureHubPki } from './tls';

/** A running hub: its core, where to reach it, and how to stop it. */
export interface EdgeRuntime {
  hub: Hub;
  config: RuntimeConfig;
  urls: { https: string; health: string };
  /** Paths of the hub's CA certificate and data directory. */
  paths: { dataDir: string; caPem: string };
  /** First-start secrets that were generated (shown once by the CLI; never logged). */
  generated: { adminPassword?: string; ownerKey?: boolean };
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
}

/**
 * Names a SAS `sr` may carry: the host name, its aliases, and [LOCAL] the loopback names the
 * certificate always covers, so a client on the gateway itself can sign for `localhost`.
 */
export function acceptedHostNames(config: RuntimeConfig): string[] {
  return [...new Set([config.hostName, ...config.hostAliases, 'localhost', '127.0.0.1'])];
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
  const store = await openLowdbStore({ dir: path.join(dataDir, 'store'), logger });
  const adminPassword = overrides.adminPassword ?? generatePassword();
  const hub = await createHub({
    store,
    logger,
    ...(overrides.clock ? { clock: overrides.clock } : {}),
    ...(overrides.ownerKey ? { ownerKey: overrides.ownerKey } : {}),
    adminPassword,
    ...(config.hubId ? { hubId: config.hubId } : {}),
  });

  const app = createHttpApp({
    hub,
    hostNames: acceptedHostNames(config),
    skewSeconds: config.clockSkewSeconds,
    logger,
  });
  const server = https.createServer({ cert: pki.certPem, key: pki.keyPem }, app);
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.httpsPort, config.bind, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  // Non-secret facts for the data-dir tools (`outpost policy show` puts the right HostName in).
  await writeHubInfo(dataDir, {
    hubId: hub.hubId,
    hostName: config.hostName,
    hostAliases: config.hostAliases,
    httpsPort: port,
  });
  const host = config.bind === '0.0.0.0' || config.bind === '::' ? 'localhost' : config.bind;
  const base = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info('hub started', { hubId: hub.hubId, https: base, devices: hub.devices.size(), dataDir });

  let closing: Promise<void> | undefined;
  return {
    hub,
    config,
    urls: { https: base, health: `${base}/health` },
    paths: { dataDir, caPem: pki.caPath },
    generated: hub.isNew
      ? { ...(overrides.adminPassword ? {} : { adminPassword }), ownerKey: !overrides.ownerKey }
      : {},
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await hub.close();
        logger.info('hub stopped', { hubId: hub.hubId });
      })();
      return closing;
    },
  };
}
