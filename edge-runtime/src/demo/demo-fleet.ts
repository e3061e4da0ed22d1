/**
 * `outpost start --demo`: a living hub for a first look. Seeds tagged devices, two automatic
 * configurations and a finished job, then runs the simulator in-process against the hub's own
 * MQTT endpoint. Everything is idempotent: a second start on the same data directory reuses it.
 */
import { readFile } from 'node:fs/promises';
import { type Actor, type Hub, isHubError, type JobResponse } from '@outpost/core';
import type { EdgeRuntime } from '../runtime';
import { type Fleet, fleetDeviceId, startFleet } from '../simulator/fleet';

/** Sites of the demo fleet, four of them. */
export const DEMO_SITES = ['lisbon', 'porto', 'madrid', 'lyon'] as const;
/** Device types of the demo fleet. */
export const DEMO_TYPES = ['thermostat', 'meter', 'air-quality', 'door-sensor'] as const;
/** Device ids are `demo-00001`… */
export const DEMO_PREFIX = 'demo-';
/** The finished job the demo leaves behind. */
export const DEMO_JOB_ID = 'demo-report-interval';

/** Settings of the demo. */
export interface DemoOptions {
  /** Devices; default 50. */
  devices?: number;
  /** Seconds between telemetry messages per device; default 10. */
  telemetryIntervalSeconds?: number;
  /** Called with each progress line. */
  log?: (line: string) => void;
}

/** A running demo. */
export interface Demo {
  fleet: Fleet;
  /** What was seeded (false: it existed already). */
  seeded: { devices: number; configurations: string[]; job?: JobResponse };
  /** Disconnects the simulated devices (the hub keeps running). */
  close(): Promise<void>;
}

const DEMO_ACTOR: Actor = { type: 'system', id: 'demo' };

/** The tags of the n-th demo device (1-based). */
export function demoTags(n: number): { site: string; floor: number; type: string; simulated: true } {
  const i = n - 1;
  return {
    site: DEMO_SITES[i % DEMO_SITES.length] as string,
    floor: 1 + (Math.floor(i / DEMO_SITES.length) % 3),
    type: DEMO_TYPES[Math.floor(i / 3) % DEMO_TYPES.length] as string,
    simulated: true,
  };
}

/** Seeds the demo content and starts the simulated fleet against `runtime`. */
export async function startDemo(runtime: EdgeRuntime, options: DemoOptions = {}): Promise<Demo> {
  const log = options.log ?? (() => {});
  const { hub } = runtime;
  const count = options.devices ?? 50;

  const { devices: created, configurations } = await seedDemo(hub, count);
  log(
    `demo: ${created} devices created (${count - created} reused), configurations ${configurations.join(', ') || 'kept'}`,
  );

  const owner = hub.policies.get('iothubowner');
  if (!owner) throw new Error('The hub has no iothubowner policy; the demo needs it to provision.');
  const ca = await readFile(runtime.paths.caPem, 'utf8');
  const fleet = await startFleet({
    count,
    idPrefix: DEMO_PREFIX,
    rest: {
      baseUrl: runtime.urls.https,
      hostName: runtime.config.hostName,
      policyName: owner.name,
      key: owner.primaryKey,
      ca,
    },
    hostName: runtime.config.hostName,
    url: runtime.urls.mqtts,
    ca,
    concurrency: 25,
    device: {
      telemetryIntervalMs: (options.telemetryIntervalSeconds ?? 10) * 1000,
      reportIntervalMs: 60_000,
    },
  });
  log(`demo: ${fleet.summary.connected}/${count} simulated devices connected`);
  const job = await seedJob(hub);
  return {
    fleet,
    seeded: { devices: created, configurations, ...(job ? { job } : {}) },
    close: () => fleet.close(),
  };
}

/** Creates the tagged demo devices and the configurations that are missing; returns what it created. */
export async function seedDemo(hub: Hub, count = 50): Promise<{ devices: number; configurations: string[] }> {
  const devices = await seedDevices(hub, count);
  return { devices, configurations: await seedConfigurations(hub) };
}

async function seedDevices(hub: Hub, count: number): Promise<number> {
  let created = 0;
  for (let first = 1; first <= count; first += 100) {
    const entries = [];
    for (let n = first; n < Math.min(first + 100, count + 1); n++) {
      entries.push({ id: fleetDeviceId(DEMO_PREFIX, n), importMode: 'create', tags: demoTags(n) });
    }
    const failures = await hub.bulk(entries, DEMO_ACTOR);
    const unexpected = failures.filter((f) => f.code !== 'DEVICE_ALREADY_EXISTS');
    if (unexpected.length > 0) {
      throw new Error(`Seeding demo devices failed: ${unexpected[0]?.deviceId}: ${unexpected[0]?.message}`);
    }
    created += entries.length - failures.length;
  }
  return created;
}

async function seedConfigurations(hub: Hub): Promise<string[]> {
  const wanted = [
    {
      id: 'demo-lisbon-fast-telemetry',
      body: {
        labels: { purpose: 'demo' },
        content: { deviceContent: { 'properties.desired.telemetryInterval': 5 } },
        targetCondition: "tags.site = 'lisbon'",
        priority: 10,
        metrics: {
          queries: {
            applied: 'SELECT deviceId FROM devices WHERE properties.reported.telemetryInterval = 5',
          },
        },
      },
    },
    {
      id: 'demo-meters-debug-logs',
      body: {
        labels: { purpose: 'demo' },
        content: { deviceContent: { 'properties.desired.logLevel': 'debug' } },
        targetCondition: "tags.type = 'meter'",
        priority: 5,
      },
    },
  ];
  const created: string[] = [];
  for (const { id, body } of wanted) {
    try {
      await hub.configurations.create(id, body, DEMO_ACTOR);
      created.push(id);
    } catch (err) {
      if (!isHubError(err, 'CONFIGURATION_ALREADY_EXISTS')) throw err;
      // Already there from an earlier demo start: keep what the user may have changed.
    }
  }
  return created;
}

/** A twin-update job over every demo device, waited for so the jobs screen shows a finished one. */
async function seedJob(hub: Hub): Promise<JobResponse | undefined> {
  if (hub.jobs.find(DEMO_JOB_ID)) return undefined;
  await hub.jobs.create(
    DEMO_JOB_ID,
    {
      jobId: DEMO_JOB_ID,
      type: 'scheduleUpdateTwin',
      queryCondition: 'tags.simulated = true',
      updateTwin: { properties: { desired: { reportInterval: 60 } } },
      maxExecutionTimeInSeconds: 300,
    },
    DEMO_ACTOR,
  );
  const deadline = Date.now() + 15_000;
  for (;;) {
    const job = hub.jobs.get(DEMO_JOB_ID);
    if (job.status === 'completed' || job.status === 'failed' || Date.now() > deadline) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
