/** The bench's device fleet: many SDK-shaped MQTT clients (TLS, SAS, clean=0), the same code against the hub and bare aedes. */
import tls, { type SecureContext } from 'node:tls';
import { connectAsync, type MqttClient } from 'mqtt';
import { forEachBounded } from '../../../edge-runtime/src/simulator/bounded-map';
import {
  createDeviceSasToken,
  defaultUserAgent,
  deviceUsername,
} from '../../../edge-runtime/src/simulator/device-credentials';
import { DEVICE_KEY } from '../mqtt/protocol';
import { progress, round } from '../stats';

/** Device ids of the jobs bench (provisioned in the hub; bare aedes accepts anything). */
export const JOBS_DEVICE_PREFIX = 'jobs-bench-';

/** The HostName devices sign for (the hub accepts `localhost`). */
export const BENCH_HOST_NAME = 'localhost';

/** The id of the i-th bench device. */
export function jobsDeviceId(i: number): string {
  return `${JOBS_DEVICE_PREFIX}${i}`;
}

/** One connected device: its id and client; `onMessage` is called for every PUBLISH it receives. */
export interface FleetDevice {
  id: string;
  client: MqttClient;
}

/** A connected fleet and how connecting it went. */
export interface Fleet {
  devices: FleetDevice[];
  connect: {
    attempted: number;
    connected: number;
    failed: number;
    firstError?: string;
    ms: number;
    perSec: number;
  };
  /** Disconnects every device; resolves with the ms it took. */
  close(): Promise<number>;
}

/** What each device does once connected: subscribe and wire its message handler. */
export type DeviceSetup = (device: FleetDevice) => Promise<void>;

/**
 * CONNECTs as azure-iot-mqtt-base does (MQTT 3.1.1, clean=0, SAS password, no auto-reconnect), with
 * one TLS context shared by every client so the load generator does not parse the CA 10k times.
 */
export async function dialDevice(
  url: string,
  deviceId: string,
  secureContext: SecureContext,
): Promise<MqttClient> {
  const client = await connectAsync(url, {
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
    keepalive: 3_600,
    reschedulePings: false,
    resubscribe: false,
    ...(url.startsWith('mqtts:') ? { secureContext, rejectUnauthorized: true } : {}),
  });
  // mqtt.js emits 'error' for every stream fault; an unheard one would crash the bench.
  client.on('error', () => {});
  return client;
}

/** Connects `count` devices to `url` (`concurrency` CONNECTs in flight), running `setup` on each. */
export async function connectFleet(
  url: string,
  ca: string,
  count: number,
  setup: DeviceSetup,
  options: { concurrency?: number; maxMs?: number } = {},
): Promise<Fleet> {
  const secureContext = tls.createSecureContext({ ca });
  const devices: FleetDevice[] = [];
  let failed = 0;
  let attempted = 0;
  let firstError: string | undefined;
  const ids = Array.from({ length: count }, (_, i) => jobsDeviceId(i));
  const started = performance.now();
  await forEachBounded(
    ids,
    options.concurrency ?? 100,
    async (id, index) => {
      attempted++;
      try {
        const device = { id, client: await dialDevice(url, id, secureContext) };
        await setup(device);
        devices.push(device);
      } catch (err) {
        failed++;
        firstError ??= String(err);
      }
      if ((index + 1) % 2500 === 0) progress(`    ${index + 1}/${count} connected`);
    },
    AbortSignal.timeout(options.maxMs ?? 90_000),
  );
  const ms = performance.now() - started;
  return {
    devices,
    connect: {
      attempted,
      connected: devices.length,
      failed,
      ...(firstError ? { firstError } : {}),
      ms: Math.round(ms),
      perSec: round(devices.length / (ms / 1000), 0),
    },
    async close() {
      const t = performance.now();
      await forEachBounded(devices, 500, async (d) => {
        await d.client.endAsync().catch(() => undefined);
      });
      return Math.round(performance.now() - t);
    },
  };
}

/** The `$rid` in a topic's query. */
export function ridOf(topic: string): string | undefined {
  return /[?&]\$rid=([^&/]*)/.exec(topic)?.[1];
}
