/** A fleet of simulated devices: provisioned through the REST API, connected with bounded concurrency. */
import { forEachBounded } from './bounded-map';
import { createHubRestClient, type HubRestOptions } from './hub-rest-client';
import { type DeviceFailure, provisionDevices } from './provisioning';
import { createSimulatedDevice } from './simulated-device';
import {
  createDeviceStats,
  type DeviceStats,
  type SimulatedDevice,
  type SimulatedDeviceOptions,
} from './simulated-device-types';

/** Per-device settings shared by the whole fleet (identity and transport come from the fleet). */
export type FleetDeviceOptions = Omit<SimulatedDeviceOptions, 'deviceId' | 'key' | 'hostName' | 'url' | 'ca'>;

/** What {@link startFleet} needs. */
export interface FleetOptions {
  /** How many devices. */
  count: number;
  /** Device ids are `{idPrefix}{n}` with n zero-padded to 5 digits; default `sim-`. */
  idPrefix?: string;
  /** The REST API and a policy with RegistryWrite, for provisioning. */
  rest: HubRestOptions;
  /** The hub name devices sign for and put in their username. */
  hostName: string;
  /** The MQTT endpoint, e.g. `mqtts://localhost:8883`. */
  url: string;
  /** The hub CA for MQTT (PEM). */
  ca?: string | Buffer;
  /** Devices connecting at once; default 200. */
  concurrency?: number;
  device?: FleetDeviceOptions;
  /** Called as provisioning and connecting advance. */
  onProgress?(progress: FleetProgress): void;
  /** Stops starting more devices; the fleet returns with those already connected. */
  signal?: AbortSignal;
}

/** Where the fleet start is. */
export interface FleetProgress {
  phase: 'provisioning' | 'connecting';
  done: number;
  total: number;
  failed: number;
}

/** What the start achieved. */
export interface FleetSummary {
  requested: number;
  created: number;
  reused: number;
  connected: number;
  failures: DeviceFailure[];
  /** True when the start was aborted before every device was tried. */
  aborted: boolean;
  provisionMs: number;
  connectMs: number;
}

/** A running fleet. */
export interface Fleet {
  /** The connected devices. */
  devices: SimulatedDevice[];
  summary: FleetSummary;
  /** Counters summed over the fleet. */
  totals(): DeviceStats;
  /** Disconnects every device. */
  close(): Promise<void>;
}

/** The id of the n-th device (1-based). */
export function fleetDeviceId(prefix: string, n: number): string {
  // A fixed width keeps ids stable between runs of different sizes, so earlier devices are reused.
  return `${prefix}${String(n).padStart(5, '0')}`;
}

/** Provisions `count` devices (creating or reusing them) and connects them. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const prefix = options.idPrefix ?? 'sim-';
  const ids = Array.from({ length: options.count }, (_, i) => fleetDeviceId(prefix, i + 1));
  const report = options.onProgress ?? (() => {});

  const rest = createHubRestClient(options.rest);
  const provisionStart = Date.now();
  let provisioned: Awaited<ReturnType<typeof provisionDevices>>;
  try {
    report({ phase: 'provisioning', done: 0, total: ids.length, failed: 0 });
    provisioned = await provisionDevices(rest, ids, (done, failed) =>
      report({ phase: 'provisioning', done, total: ids.length, failed }),
    );
  } finally {
    rest.close();
  }
  const provisionMs = Date.now() - provisionStart;

  const failures = [...provisioned.failures];
  // Indexed by provisioning order, so `devices` lists sim-00001 first however the connects interleave.
  const slots: (SimulatedDevice | undefined)[] = [];
  const connectStart = Date.now();
  let tried = 0;
  const total = provisioned.devices.length;
  report({ phase: 'connecting', done: 0, total, failed: 0 });
  await forEachBounded(
    provisioned.devices,
    options.concurrency ?? 200,
    async ({ deviceId, key }, index) => {
      const device = createSimulatedDevice({
        ...options.device,
        deviceId,
        key,
        hostName: options.hostName,
        url: options.url,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      });
      try {
        await device.start();
        slots[index] = device;
      } catch (err) {
        failures.push({ deviceId, stage: 'connect', message: (err as Error).message });
      }
      tried++;
      report({
        phase: 'connecting',
        done: tried,
        total,
        failed: failures.length - provisioned.failures.length,
      });
    },
    options.signal,
  );
  const devices = slots.filter((d): d is SimulatedDevice => d !== undefined);

  const summary: FleetSummary = {
    requested: options.count,
    created: provisioned.devices.filter((d) => d.created).length,
    reused: provisioned.devices.filter((d) => !d.created).length,
    connected: devices.length,
    failures,
    aborted: tried < total,
    provisionMs,
    connectMs: Date.now() - connectStart,
  };
  return {
    devices,
    summary,
    totals() {
      const sum = createDeviceStats();
      for (const device of devices) {
        for (const key of Object.keys(sum) as (keyof DeviceStats)[]) sum[key] += device.stats[key];
      }
      return sum;
    },
    async close() {
      await Promise.allSettled(devices.map((d) => d.close()));
    },
  };
}
