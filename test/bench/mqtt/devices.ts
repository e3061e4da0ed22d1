/** The bench's MQTT clients: the simulator's SDK-shaped connection, the same code against the hub and bare aedes. */
import { performance } from 'node:perf_hooks';
import { forEachBounded } from '../../../edge-runtime/src/simulator/bounded-map';
import {
  createDeviceConnection,
  type DeviceConnection,
} from '../../../edge-runtime/src/simulator/device-connection';
import { type BrokerChild, type ChildStats, cpuMsBetween } from './children';
import { DEVICE_KEY } from './protocol';

/** How clients reach a broker. */
export type Transport = 'tls' | 'tcp';

/** One broker on one transport: what every measure runs against. */
export interface Target {
  broker: BrokerChild;
  transport: Transport;
  url: string;
  /** The hub CA (PEM), trusted by every client (bare aedes serves the same certificate). */
  ca: string;
}

/** The target for `broker` over `transport`. */
export function targetOf(broker: BrokerChild, transport: Transport, ca: string): Target {
  return { broker, transport, url: transport === 'tls' ? broker.info.mqtts : broker.info.mqtt, ca };
}

/** Device ids of the bench fleet (provisioned in the hub; bare aedes accepts anything). */
export const DEVICE_PREFIX = 'mqtt-bench-';

/** The id of the i-th bench device. */
export function benchDeviceId(i: number): string {
  return `${DEVICE_PREFIX}${i}`;
}

/** The HostName devices sign for (the hub accepts `localhost`). */
export const BENCH_HOST_NAME = 'localhost';

/** Connects device `deviceId` as the SDK does (clean=0, SAS password); bare aedes ignores the credentials. */
export async function connectDevice(
  target: Target,
  deviceId: string,
  onMessage: (topic: string, payload: Buffer) => void = () => {},
  keepaliveSeconds = 180,
): Promise<DeviceConnection> {
  const connection = createDeviceConnection({
    url: target.url,
    hostName: BENCH_HOST_NAME,
    deviceId,
    key: DEVICE_KEY,
    ca: target.ca,
    keepaliveSeconds,
    onMessage,
  });
  await connection.open();
  return connection;
}

/** Disconnects every connection, `concurrency` at a time. */
export async function disconnectAll(
  connections: readonly DeviceConnection[],
  concurrency = 200,
): Promise<void> {
  await forEachBounded(connections, concurrency, async (c) => {
    await c.disconnect().catch(() => undefined);
  });
}

/** Wall time and CPU time of one measured run: the broker child's and this (client) process's. */
export interface RunCost {
  wallMs: number;
  brokerCpuMs: number;
  clientCpuMs: number;
  /** GC pauses of the broker during the phase: count, total, longest, and how many were full (major) GCs. */
  brokerGc: { count: number; totalMs: number; maxMs: number; majorCount: number };
  /** Hub only: store checkpoints that ran during the phase (count, total ms): event-loop stalls. */
  storeCheckpoints?: { count: number; totalMs: number };
}

/** Runs `fn` and reports its wall time and the CPU time the broker and the clients spent on it (profiled as `label` with `--cpu-prof`). */
export async function measured<T>(
  target: Target,
  label: string,
  fn: () => Promise<T>,
): Promise<{ result: T; cost: RunCost; before: ChildStats; after: ChildStats }> {
  const stopProfile = await target.broker.profile(`${label}-${target.transport}`);
  const before = await target.broker.stats();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const result = await fn();
  const wallMs = performance.now() - started;
  const client = process.cpuUsage(clientBefore);
  const after = await target.broker.stats();
  await stopProfile();
  return {
    result,
    before,
    after,
    cost: {
      wallMs: Math.round(wallMs),
      brokerCpuMs: Math.round(cpuMsBetween(before, after)),
      clientCpuMs: Math.round((client.user + client.system) / 1000),
      brokerGc: {
        count: after.gc.count - before.gc.count,
        totalMs: Math.round(after.gc.totalMs - before.gc.totalMs),
        maxMs: Math.round(after.gc.maxMsSinceStats * 10) / 10,
        majorCount: after.gc.majorCount - before.gc.majorCount,
      },
      ...(before.checkpoints && after.checkpoints
        ? {
            storeCheckpoints: {
              count: after.checkpoints.count - before.checkpoints.count,
              totalMs: after.checkpoints.totalMs - before.checkpoints.totalMs,
            },
          }
        : {}),
    },
  };
}

/** The `$rid` in a topic's query. */
export function ridOf(topic: string): string | undefined {
  return /[?&]\$rid=([^&/]*)/.exec(topic)?.[1];
}

/** Outstanding requests keyed by `$rid`, settled by the reply topic. */
export interface ReplyTable {
  /** Resolves with the reply's topic and body, or rejects after `timeoutMs`. */
  wait(rid: string): Promise<{ topic: string; payload: Buffer }>;
  /** Settles the request named by the topic's `$rid`; unknown rids are ignored. */
  settle(topic: string, payload: Buffer): void;
}

/** Creates a reply table whose requests fail after `timeoutMs`. */
export function createReplyTable(timeoutMs = 30_000): ReplyTable {
  const pending = new Map<
    string,
    { resolve(r: { topic: string; payload: Buffer }): void; timer: NodeJS.Timeout }
  >();
  return {
    wait(rid) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(rid);
          reject(new Error(`no reply to $rid=${rid} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(rid, { resolve, timer });
      });
    },
    settle(topic, payload) {
      const rid = ridOf(topic);
      const p = rid === undefined ? undefined : pending.get(rid);
      if (!p || rid === undefined) return;
      pending.delete(rid);
      clearTimeout(p.timer);
      p.resolve({ topic, payload });
    },
  };
}
