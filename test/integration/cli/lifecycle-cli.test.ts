import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../helpers/test-hub';
import { cleanEnv, connectionFlags, runOutpost } from './cli-harness';

let hub: TestHub;
let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  hub = await startTestHub();
  dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-cli-lifecycle-'));
  env = cleanEnv(path.join(dir, 'no-session.json'));
  await hub.call('PUT', '/devices/imp-exists', { body: { deviceId: 'imp-exists' } });
});
afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

const cs = (args: string[]) => runOutpost([...args, ...connectionFlags(hub)], env);
const twinOf = async (id: string) =>
  (await hub.call('GET', `/twins/${id}`)).json as { tags: Record<string, unknown> };

describe('outpost import / export (real processes)', () => {
  it('imports a CSV, reports the bad row, creates the good rows and exits 1', async () => {
    const file = path.join(dir, 'devices.csv');
    await writeFile(
      file,
      'deviceId,tags.site,desired.fw.version\nimp-1,north,"""1.2"""\nimp-exists,south,\nimp-2,south,\n',
    );
    const res = await cs(['import', file]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/import \S+ completed: 2 created, 1 failed of 3/);
    expect(res.stdout).toMatch(/row \d+ \(imp-exists\): DeviceAlreadyExists: /);
    expect(res.stderr).toMatch(/import \S+ (queued|running|completed): \d\/3 rows/);
    expect(res.stderr).toMatch(/outpost: 1 of 3 rows failed\./);
    expect((await twinOf('imp-1')).tags).toEqual({ site: 'north' });
    expect((await twinOf('imp-2')).tags).toEqual({ site: 'south' });

    const json = path.join(dir, 'one.json');
    await writeFile(json, JSON.stringify([{ deviceId: 'imp-3' }, { deviceId: 'imp-3' }]));
    const again = await cs(['import', json, '--json']);
    expect(again.code).toBe(1);
    const out = JSON.parse(again.stdout);
    expect(out.progress).toMatchObject({ total: 2, succeeded: 1, failed: 1 });
    expect(out.errors).toEqual([
      expect.objectContaining({ deviceId: 'imp-3', status: 'failed', error: expect.objectContaining({}) }),
    ]);

    const noWait = await cs(['import', json, '--no-wait', '--json']);
    expect(noWait.code).toBe(0);
    expect(JSON.parse(noWait.stdout)).toMatchObject({ format: 'json', progress: { total: 2 } });
  });

  it('refuses a file that is neither .csv nor .json, and a missing file', async () => {
    const res = await cs(['import', path.join(dir, 'x.txt')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/must end in \.csv or \.json/);
    const missing = await cs(['import', path.join(dir, 'missing.csv')]);
    expect(missing.stderr).toMatch(/Cannot read .*missing\.csv/);
  });

  it('exports JSON to a file and imports it back after the devices are gone', async () => {
    const file = path.join(dir, 'export.json');
    const res = await cs(['export', '--format', 'json', '--include-keys', '-o', file]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('');
    const entries = JSON.parse(await readFile(file, 'utf8')) as {
      deviceId: string;
      primaryKey: string;
      tags: Record<string, unknown>;
    }[];
    expect(res.stderr).toMatch(new RegExp(`wrote .*export\\.json: ${entries.length} devices, \\d+ bytes`));
    const imp1 = entries.find((e) => e.deviceId === 'imp-1');
    expect(imp1?.tags).toEqual({ site: 'north' });
    for (const e of entries)
      await hub.call('DELETE', `/devices/${e.deviceId}`, { headers: { 'if-match': '"*"' } });

    const back = await cs(['import', file, '--json']);
    expect(back.stderr).not.toMatch(/outpost:/);
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ status: 'completed', errors: [] });
    expect((await twinOf('imp-1')).tags).toEqual({ site: 'north' });
    const dev = (await hub.call('GET', '/devices/imp-1')).json as {
      authentication: { symmetricKey: { primaryKey: string } };
    };
    expect(dev.authentication.symmetricKey.primaryKey).toBe(imp1?.primaryKey);

    const csv = await cs(['export', '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toMatch(/^deviceId,status,connectionState,lastActivityTime,/);
    expect(csv.stdout).toContain('imp-1,');
    const bad = await cs(['export', '--format', 'xml']);
    expect(bad.stderr).toMatch(/--format must be json or csv/);
  });
});

describe('outpost device lifecycle, fleet and archive (real processes)', () => {
  beforeAll(async () => {
    await hub.call('PUT', '/devices/lc-1', { body: { deviceId: 'lc-1' } });
    await hub.call('PATCH', '/twins/lc-1', {
      body: { tags: { site: 'east' } },
      headers: { 'if-match': '"*"' },
    });
  });

  it('disables, enables, rotates keys, revokes and gives a connection string', async () => {
    const off = await cs(['device', 'disable', 'lc-1', '--reason', 'maintenance']);
    expect(off.code).toBe(0);
    expect(off.stdout).toBe('disabled lc-1: disabled (maintenance), auth sas\n');
    const on = await cs(['device', 'enable', 'lc-1', '--json']);
    expect(JSON.parse(on.stdout).status).toBe('enabled');
    const before = JSON.parse((await cs(['device', 'show', 'lc-1', '--json'])).stdout);
    const rotated = JSON.parse((await cs(['device', 'rotate-keys', 'lc-1', '--json'])).stdout);
    expect(rotated.authentication.symmetricKey.primaryKey).not.toBe(
      before.authentication.symmetricKey.primaryKey,
    );
    const conn = await cs(['device', 'connection-string', 'lc-1', '--gateway', 'gw.local:8883']);
    expect(conn.stdout).toContain('DeviceId=lc-1');
    expect(conn.stdout).toContain(rotated.authentication.symmetricKey.primaryKey);
    expect(conn.stdout).toContain('GatewayHostName=gw.local');
    const revoked = await cs(['device', 'revoke', 'lc-1']);
    expect(revoked.stdout).toMatch(/revoked lc-1: enabled, auth none/);
    const noKey = await cs(['device', 'connection-string', 'lc-1', '--json']);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/has no SAS key/);
    await cs(['device', 'rotate-keys', 'lc-1']);
    const missing = await cs(['device', 'disable', 'no-such']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/HTTP 404/);
  });

  it('replaces, retires into the archive and shows the archive', async () => {
    const rep = await cs(['device', 'replace', 'lc-1', 'lc-2']);
    expect(rep.code).toBe(0);
    expect(rep.stdout).toMatch(/created lc-2 replacing lc-1/);
    expect((await twinOf('lc-2')).tags).toEqual({ site: 'east' });
    const retire = await cs(['device', 'retire', 'lc-1', '--json']);
    expect(retire.code).toBe(0);
    expect(JSON.parse(retire.stdout)).toMatchObject({ deviceId: 'lc-1' });
    expect((await hub.call('GET', '/devices/lc-1')).status).toBe(404);
    const show = await cs(['archive', 'show', 'lc-1', '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ deviceId: 'lc-1', twin: { tags: { site: 'east' } } });
    const human = await cs(['archive', 'show', 'lc-1']);
    expect(human.stdout).toMatch(/status:\s+disabled \(replaced by lc-2\)/);
    const list = await cs(['archive', 'list']);
    expect(list.stdout).toMatch(/^DEVICE\s+ARCHIVED\s+BY\s+TAGS\n/);
    expect(list.stdout).toContain('lc-1');
    const none = await cs(['archive', 'show', 'never-was']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No archived device never-was/);
    const hard = await cs(['device', 'retire', 'imp-2', '--no-archive']);
    expect(hard.stdout).toBe('deleted imp-2 (not archived)\n');
    expect((await cs(['archive', 'show', 'imp-2'])).code).toBe(1);
  });

  it('summarises the fleet', async () => {
    const json = await cs(['fleet', 'summary', '--silent-minutes', '5', '--json']);
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.stdout);
    expect(summary.silent.silentMinutes).toBe(5);
    expect(summary.neverConnected.deviceIds).toContain('lc-2');
    const human = await cs(['fleet', 'summary']);
    expect(human.stdout).toMatch(new RegExp(`totalDevices:\\s+${summary.totalDevices}\\n`));
    expect(human.stdout).toMatch(/neverConnected:\s+\d+ \(/);
    const bad = await cs(['fleet', 'summary', '--silent-minutes', '0']);
    expect(bad.stderr).toMatch(/--silent-minutes must be a whole number/);
  });

  it('reboots: an offline device fails clearly; a fleet job is started and watched', async () => {
    const res = await cs(['device', 'reboot', 'lc-2']);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/DeviceNotOnline/);
    expect(res.stderr).toMatch(/hint: lc-2 is not connected/);
    const ops = JSON.parse((await cs(['device', 'operations', 'lc-2', '--json'])).stdout);
    expect(ops).toMatchObject({ deviceId: 'lc-2', phase: 'failed', lastOperation: { operation: 'reboot' } });
    const human = await cs(['device', 'operations', 'lc-2']);
    expect(human.stdout).toMatch(/phase:\s+failed/);

    const job = await cs(['fleet', 'reboot', '--query', "deviceId = 'nobody'", '--json']);
    expect(job.code).toBe(0);
    expect(JSON.parse(job.stdout).jobId).toMatch(/^reboot-/);
    const watched = await cs(['fleet', 'factory-reset', '--query', "deviceId = 'nobody'", '--watch']);
    expect(watched.stderr).not.toMatch(/outpost:/);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/^job factory-reset-\S+ completed: 0 succeeded, 0 failed/);
  });
});
