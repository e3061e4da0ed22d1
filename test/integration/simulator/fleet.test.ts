// `startFleet` and `outpost simulate` against the real runtime: bulk provisioning over REST, MQTT connects.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetProgress, startFleet } from '../../../edge-runtime/src/simulator/fleet';
import { OWNER_KEY, startTestHub, type TestHub } from '../../helpers/test-hub';

const ROOT = path.resolve(import.meta.dirname, '../../..');
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
});

const rest = () => ({
  baseUrl: hub.runtime.urls.https,
  hostName: 'localhost',
  policyName: 'iothubowner',
  key: OWNER_KEY,
  ca: hub.ca,
});

describe('startFleet against the real hub', () => {
  it('provisions 120 devices in bulk chunks of 100 and connects them all', async () => {
    const open = hub.runtime.gatewayStats().connectionsOpen;
    const progress: FleetProgress[] = [];
    const fleet = await startFleet({
      count: 120,
      idPrefix: 'fleet-',
      rest: rest(),
      hostName: 'localhost',
      url: hub.runtime.urls.mqtts,
      ca: hub.ca,
      concurrency: 50,
      device: { telemetryIntervalMs: 0, reportIntervalMs: 0 },
      onProgress: (p) => progress.push(p),
    });
    try {
      expect(fleet.summary).toMatchObject({
        requested: 120,
        created: 120,
        reused: 0,
        connected: 120,
        failures: [],
      });
      expect(hub.runtime.gatewayStats().connectionsOpen).toBe(open + 120);
      expect(progress.at(-1)).toEqual({ phase: 'connecting', done: 120, total: 120, failed: 0 });
      expect(progress.some((p) => p.phase === 'provisioning' && p.done === 120)).toBe(true);
      const twin = await hub.call('GET', '/twins/fleet-00120');
      expect(twin.json).toMatchObject({
        tags: { simulated: true },
        properties: { reported: { status: 'online' } },
      });
      expect(fleet.totals().boots).toBe(120);
    } finally {
      await fleet.close();
    }
    expect(hub.runtime.gatewayStats().connectionsOpen).toBe(open);
  });

  it('reuses existing devices with their keys and reports the ones it cannot use', async () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    const auth = { type: 'sas', symmetricKey: { primaryKey: key, secondaryKey: key } };
    expect((await hub.call('PUT', '/devices/reuse-00002', { body: { authentication: auth } })).status).toBe(
      200,
    );
    expect((await hub.call('PUT', '/devices/reuse-00003', { body: { status: 'disabled' } })).status).toBe(
      200,
    );
    const fleet = await startFleet({
      count: 3,
      idPrefix: 'reuse-',
      rest: rest(),
      hostName: 'localhost',
      url: hub.runtime.urls.mqtts,
      ca: hub.ca,
      device: { telemetryIntervalMs: 0 },
    });
    try {
      expect(fleet.summary).toMatchObject({ created: 1, reused: 1, connected: 2 });
      expect(fleet.summary.failures).toEqual([
        { deviceId: 'reuse-00003', stage: 'provision', message: 'The device exists but is disabled.' },
      ]);
      expect(fleet.devices.map((d) => d.deviceId)).toEqual(['reuse-00001', 'reuse-00002']);
    } finally {
      await fleet.close();
    }
  });

  it('fails the whole start with the hub message when the policy key is wrong', async () => {
    const bad = { ...rest(), key: Buffer.alloc(32, 1).toString('base64') };
    await expect(
      startFleet({ count: 1, rest: bad, hostName: 'localhost', url: hub.runtime.urls.mqtts, ca: hub.ca }),
    ).rejects.toThrow(/Bulk device creation failed: HTTP 401/);
  });
});

describe('outpost simulate', () => {
  it('runs with defaults from the data dir and stops after --duration', async () => {
    const run = await cli([
      ...['simulate', '--devices', '3', '--prefix', 'cli-', '--duration', '1'],
      ...['--telemetry-interval', '0.2', '--data-dir', hub.dataDir, '--url', hub.runtime.urls.mqtts],
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`policy iothubowner from ${hub.dataDir}`);
    expect(run.stdout).toContain('connected    3 of 3');
    expect(run.stderr).toContain('duration reached: disconnecting 3 devices');
    expect(run.stdout).toMatch(/Sent [1-9]\d* telemetry messages/);
  });

  it('takes a connection string and disconnects cleanly on SIGINT', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'outpost-sim-cli-'));
    try {
      const cs = `HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey=${OWNER_KEY}`;
      const open = hub.runtime.gatewayStats().connectionsOpen;
      const run = await cli(
        [
          ...['simulate', '--devices', '2', '--prefix', 'sigint-', '--connection-string', cs],
          ...['--https-url', hub.runtime.urls.https, '--url', hub.runtime.urls.mqtts],
          ...['--ca', hub.runtime.paths.caPem, '--data-dir', empty],
        ],
        'Running. Ctrl-C to stop.',
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('policy iothubowner from --connection-string');
      expect(run.stderr).toContain('SIGINT: disconnecting 2 devices');
      expect(hub.runtime.gatewayStats().connectionsOpen).toBe(open);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('explains a missing data dir', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'outpost-sim-cli-'));
    try {
      const run = await cli(['simulate', '--devices', '1', '--data-dir', empty]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`No hub data in ${empty}`);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

/** Runs the CLI; with `interruptAfter`, sends SIGINT once stdout contains that text. */
function cli(
  args: string[],
  interruptAfter?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/outpost.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, OUTPOST_DATA_DIR: '' },
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (interruptAfter && stdout.includes(interruptAfter)) {
        interruptAfter = undefined;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
