/** Connect storm: many SDK-shaped devices CONNECT (SAS, clean=0) with bounded concurrency; rate, then the broker's RSS. */
import { setTimeout as sleep } from 'node:timers/promises';
import tls, { type SecureContext } from 'node:tls';
import { connectAsync, type MqttClient } from 'mqtt';
import { forEachBounded } from '../../../edge-runtime/src/simulator/bounded-map';
import {
  createDeviceSasToken,
  defaultUserAgent,
  deviceUsername,
} from '../../../edge-runtime/src/simulator/device-credentials';
import { progress, round, type Summary, summarize } from '../stats';
import { BENCH_HOST_NAME, benchDeviceId, measured, type RunCost, type Target } from './devices';
import { DEVICE_KEY } from './protocol';

/** How the storm runs. */
export interface ConnectStormOptions {
  count: number;
  /** CONNECTs in flight (TCP + TLS handshake + CONNECT/CONNACK). */
  concurrency: number;
  /** Long, so no PINGREQ traffic interferes. */
  keepaliveSeconds: number;
  /** Stop dialling after this long (the bench must end in ~5 min even on a busy machine). */
  maxDialMs: number;
  firstDevice: number;
}

/** One storm against one target. */
export interface ConnectStormRun {
  attempted: number;
  /** True when `maxDialMs` ran out before every device was dialled. */
  cutShort: boolean;
  connected: number;
  failed: number;
  firstError?: string;
  connectsPerSec: number;
  /** Dial → CONNACK per device, ms (includes waiting for a handshake slot on both sides). */
  connectLatencyMs: Summary;
  brokerCpuUsPerConnect: number;
  /** What one fully used broker core would sustain at this CPU cost per connect. */
  brokerCoreBoundConnectsPerSec: number;
  cost: RunCost;
  /** The broker process's memory from /proc (VmRSS, VmHWM) before and after, MiB. */
  brokerRssBeforeMiB: number;
  brokerRssAfterMiB: number;
  brokerPeakRssMiB: number;
  /** The broker's own count of open connections after the storm. */
  brokerConnectionsOpen: number | undefined;
  /** Heap of the broker after the storm, MiB (with garbage), and after a forced full GC (retained). */
  brokerHeapUsedMiB: number;
  brokerHeapRetainedMiB: number;
  /** After every device disconnected and a full GC: the broker's RSS and retained heap, MiB. */
  brokerRssAfterDisconnectMiB: number;
  brokerHeapRetainedAfterDisconnectMiB: number;
  /** This (client) process's RSS with every connection open, MiB. */
  clientRssMiB: number;
  disconnectMs: number;
}

/** CONNECTs with the simulator connection's option set (MQTT 3.1.1, clean=0, SAS), sharing one TLS context across clients. */
// A device builds its TLS context once; 10k contexts built in one process would bill ~0.4 ms of CA
// parsing per connect to the load generator rather than to the broker.
export function dialStormDevice(
  target: Target,
  deviceId: string,
  keepaliveSeconds: number,
  secureContext: SecureContext,
): Promise<MqttClient> {
  const client = connectAsync(target.url, {
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: false,
    clientId: deviceId,
    username: deviceUsername(BENCH_HOST_NAME, deviceId, defaultUserAgent()),
    password: createDeviceSasToken({
      hostName: BENCH_HOST_NAME,
      deviceId,
      key: DEVICE_KEY,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    }),
    reconnectPeriod: 0,
    connectTimeout: 60_000,
    keepalive: keepaliveSeconds,
    reschedulePings: false,
    resubscribe: false,
    ...(target.transport === 'tls' ? { secureContext, rejectUnauthorized: true } : {}),
  });
  return client.then((c) => {
    // mqtt.js emits 'error' for every stream fault; an unheard one would crash the bench.
    c.on('error', () => {});
    return c;
  });
}

/** Open connections as the broker counts them. */
async function brokerConnections(target: Target): Promise<number | undefined> {
  const stats = await target.broker.stats();
  return stats.gateway?.connectionsOpen ?? stats.connectedClients;
}

/** Connects `count` devices, reads the broker's memory, then disconnects them all. */
export async function runConnectStorm(
  target: Target,
  options: ConnectStormOptions,
): Promise<ConnectStormRun> {
  const rssBefore = target.broker.memory().rssMiB;
  const connections: MqttClient[] = [];
  const secureContext = tls.createSecureContext({ ca: target.ca });
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const ids = Array.from({ length: options.count }, (_, i) => benchDeviceId(options.firstDevice + i));
  const signal = AbortSignal.timeout(options.maxDialMs);
  let attempted = 0;
  const { cost } = await measured(target, 'storm', () =>
    forEachBounded(
      ids,
      options.concurrency,
      async (id, index) => {
        attempted++;
        const started = performance.now();
        try {
          connections.push(await dialStormDevice(target, id, options.keepaliveSeconds, secureContext));
          latencies.push(performance.now() - started);
        } catch (err) {
          failed++;
          firstError ??= String(err);
        }
        if ((index + 1) % 2000 === 0) progress(`    ${index + 1}/${options.count} dialled`);
      },
      signal,
    ),
  );
  // Let the broker finish what CONNACK left behind (connection state, session bookkeeping).
  await sleep(1000);
  const after = target.broker.memory();
  const stats = await target.broker.stats();
  const retained = await target.broker.stats({ gc: true });
  const open = await brokerConnections(target);
  const clientRssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
  const disconnectStarted = performance.now();
  await forEachBounded(connections, 500, async (c) => {
    await c.endAsync().catch(() => undefined);
  });
  for (let i = 0; i < 300 && ((await brokerConnections(target)) ?? 0) > 0; i++) await sleep(100);
  const disconnectMs = Math.round(performance.now() - disconnectStarted);
  const afterDisconnect = await target.broker.stats({ gc: true });
  const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
  return {
    attempted,
    cutShort: attempted < options.count,
    connected: connections.length,
    failed,
    ...(firstError ? { firstError } : {}),
    connectsPerSec: round(connections.length / (cost.wallMs / 1000), 0),
    connectLatencyMs: summarize(latencies, 1),
    brokerCpuUsPerConnect: round((cost.brokerCpuMs * 1000) / Math.max(1, connections.length), 0),
    brokerCoreBoundConnectsPerSec: round((connections.length * 1000) / Math.max(1, cost.brokerCpuMs), 0),
    cost,
    brokerRssBeforeMiB: rssBefore,
    brokerRssAfterMiB: after.rssMiB,
    brokerPeakRssMiB: after.peakRssMiB,
    brokerConnectionsOpen: open,
    brokerHeapUsedMiB: mib(stats.memory.heapUsed),
    brokerHeapRetainedMiB: mib(retained.memory.heapUsed),
    brokerRssAfterDisconnectMiB: target.broker.memory().rssMiB,
    brokerHeapRetainedAfterDisconnectMiB: mib(afterDisconnect.memory.heapUsed),
    clientRssMiB,
    disconnectMs,
  };
}
