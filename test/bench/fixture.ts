import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Actor, createHub, type Hub, silentLogger } from '@outpost/core';
import { type LowdbStore, openLowdbStore } from '@outpost/edge-runtime';
import { type Figure, figure, msSince, progress, round, runPool } from './stats';
import { createStoreProbe, type StoreProbe } from './store-probe';

/** A hub over a durable lowdb store in a temp dir: what the foundation suites measure. */
export interface BenchHub {
  dir: string;
  store: LowdbStore;
  hub: Hub;
  /** What the store writes and when it checkpoints. */
  probe: StoreProbe;
}

/** The service actor of the benchmark's writes. */
export const BENCH_ACTOR: Actor = { type: 'policy', id: 'iothubowner' };
const OWNER_KEY = Buffer.alloc(32, 7).toString('base64');

/** Creates an empty temp dir for one size's store. */
export function makeBenchDir(size: number): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `outpost-bench-${size}-`));
}

/** Removes a bench dir and everything in it. */
export function removeBenchDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Opens the store in `dir` and builds a hub over it as the edge runtime does; reports the store's open time. */
export async function openBenchHub(dir: string, onStoreOpen?: (ms: number) => void): Promise<BenchHub> {
  const storeDir = path.join(dir, 'store');
  const probe = createStoreProbe(storeDir);
  const started = performance.now();
  const store = await openLowdbStore({ dir: storeDir, logger: probe.logger, fs: probe.fs });
  onStoreOpen?.(msSince(started));
  const hub = await createHub({ store, logger: silentLogger, ownerKey: OWNER_KEY, hubId: 'bench-hub' });
  return { dir, store, hub, probe };
}

/** The id of the i-th bench device. */
export function deviceId(i: number): string {
  return `dev-${String(i).padStart(6, '0')}`;
}

/** A small deterministic PRNG (mulberry32), so runs draw the same devices and values. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sites in the fleet: `tags.site` has this many values. */
export const SITE_COUNT = 50;
const TYPES = ['thermostat', 'meter', 'gateway', 'camera', 'valve'];
const MODES = ['eco', 'comfort', 'away', 'boost'];

/** Tags and desired properties of the i-th device (~600 bytes of JSON). */
export function initialTwin(i: number): { tags: Record<string, unknown>; desired: Record<string, unknown> } {
  const r = createRandom(i + 1);
  return {
    tags: {
      site: `site-${i % SITE_COUNT}`,
      building: `building-${i % 7}`,
      floor: i % 12,
      deviceType: TYPES[i % TYPES.length],
      vendor: 'Contoso Controls',
      model: `CC-${1000 + (i % 40)}`,
      owner: { team: `facilities-${i % 9}`, contact: `ops-${i % 9}@example.com` },
      install: { date: '2024-03-14', by: `tech-${i % 23}` },
      costCenter: `CC-${4000 + (i % 300)}`,
      serial: `SN-${String(i * 7919).padStart(10, '0')}`,
    },
    desired: {
      telemetryIntervalS: 60,
      mode: MODES[i % MODES.length],
      thresholds: { tempHighC: 28, tempLowC: 16, humidityHighPct: 70 },
      reportingWindow: { start: '06:00', end: '22:00' },
      firmware: {
        version: '2.4.1',
        url: 'https://updates.example.com/firmware/cc/2.4.1.bin',
        sha256: Math.floor(r() * 2 ** 52)
          .toString(16)
          .padStart(64, '0'),
      },
    },
  };
}

/** Reported properties of the i-th device (~350 bytes of JSON); 5% have an `alarm`. */
export function reportedProps(i: number): Record<string, unknown> {
  const r = createRandom(i + 1_000_003);
  return {
    firmware: { version: '2.4.1', installedAt: '2024-05-02T08:00:00Z' },
    temperatureC: round(10 + r() * 30, 1),
    humidityPct: Math.round(20 + r() * 60),
    batteryPct: Math.round(r() * 100),
    rssiDbm: -40 - Math.round(r() * 60),
    uptimeS: Math.round(r() * 5_000_000),
    ip: `10.${i % 250}.${(i >> 8) % 250}.${i % 200}`,
    lastBootAt: '2025-01-05T10:22:31Z',
    config: { telemetryIntervalS: 60, mode: MODES[i % MODES.length] },
    network: {
      ssid: 'plant-iot',
      channel: 1 + (i % 11),
      mac: `02:00:00:${(i % 256).toString(16).padStart(2, '0')}:00:01`,
    },
    ...(i % 20 === 7 ? { alarm: { code: 'E42', since: '2025-02-01T00:00:00Z' } } : {}),
  };
}

/** What seeding produced: rates and sizes of the twins written. */
export interface SeedResult {
  twins: number;
  createMs: number;
  creates: Figure;
  reportedMs: number;
  reportedPatches: Figure;
  /** JSON bytes of tags + desired + reported, the twin's content. */
  twinContentBytesAvg: number;
  /** JSON bytes of the twin document as the API returns it (with $metadata). */
  twinDocumentBytesAvg: number;
  /** JSON bytes of the stored device record (identity + twin state with metadata). */
  storedRecordBytesAvg: number;
  heapUsedMiB: number;
}

/** Creates `count` devices through `hub.bulk` (100 per request, several in flight) and reports their props. */
export async function seedTwins(bench: BenchHub, count: number): Promise<SeedResult> {
  const { hub } = bench;
  const requests = Math.ceil(count / 100);
  let started = performance.now();
  await runPool(requests, 10, async (r) => {
    const body = [];
    for (let i = r * 100; i < Math.min(count, (r + 1) * 100); i++) {
      const { tags, desired } = initialTwin(i);
      body.push({ id: deviceId(i), importMode: 'create', tags, properties: { desired } });
    }
    const failures = await hub.bulk(body, BENCH_ACTOR);
    if (failures.length > 0) throw new Error(`bulk create failed: ${JSON.stringify(failures[0])}`);
    if ((r + 1) % 200 === 0) progress(`  created ${(r + 1) * 100}/${count}`);
  });
  const createMs = msSince(started);
  progress(`  created ${count} devices in ${Math.round(createMs)} ms`);

  started = performance.now();
  await runPool(count, 500, async (i) => {
    const id = deviceId(i);
    await hub.twins.patchReported(id, reportedProps(i), { type: 'device', id });
    if ((i + 1) % 20_000 === 0) progress(`  reported ${i + 1}/${count}`);
  });
  const reportedMs = msSince(started);
  progress(`  reported properties of ${count} devices in ${Math.round(reportedMs)} ms`);

  const sample = Array.from({ length: 200 }, (_, k) => Math.floor((k * count) / 200));
  const avg = (f: (i: number) => number) => Math.round(sample.reduce((s, i) => s + f(i), 0) / sample.length);
  const twin = (i: number) => hub.twins.get(deviceId(i));
  return {
    twins: count,
    createMs: Math.round(createMs),
    creates: figure(count / (createMs / 1000), 'devices/s'),
    reportedMs: Math.round(reportedMs),
    reportedPatches: figure(count / (reportedMs / 1000), 'patches/s'),
    twinContentBytesAvg: avg((i) => {
      const t = hub.devices.get(deviceId(i))!.twin;
      return JSON.stringify({ tags: t.tags, desired: t.desired, reported: t.reported }).length;
    }),
    twinDocumentBytesAvg: avg((i) => JSON.stringify(twin(i)).length),
    storedRecordBytesAvg: avg((i) => JSON.stringify(hub.devices.get(deviceId(i))).length),
    heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
}

/** Bytes under `dir`: apparent (file sizes) and allocated on disk (blocks), and the file count. */
export async function diskUsage(
  dir: string,
): Promise<{ bytes: number; allocatedBytes: number; files: number }> {
  let bytes = 0;
  let allocatedBytes = 0;
  let files = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = await diskUsage(p);
      bytes += sub.bytes;
      allocatedBytes += sub.allocatedBytes;
      files += sub.files;
    } else {
      const s = await stat(p);
      bytes += s.size;
      allocatedBytes += s.blocks * 512;
      files++;
    }
  }
  return { bytes, allocatedBytes, files };
}
