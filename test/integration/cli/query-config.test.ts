import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../helpers/test-hub';
import { cleanEnv, connectionFlags, runOutpost } from './cli-harness';

const FLEET = 130;

let hub: TestHub;
let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  hub = await startTestHub();
  dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-cli-query-'));
  env = cleanEnv(path.join(dir, 'no-session.json'));
  // Bulk create takes at most 100 entries per call.
  const ids = Array.from({ length: FLEET }, (_, i) => `q-${String(i).padStart(3, '0')}`);
  for (let i = 0; i < ids.length; i += 100) {
    const body = ids.slice(i, i + 100).map((id) => ({ id, importMode: 'create' }));
    const res = await hub.call('POST', '/devices', { body });
    if (res.status !== 200) throw new Error(`bulk create: ${res.status} ${res.text}`);
  }
});
afterAll(async () => {
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

const cs = (args: string[]) => runOutpost([...args, ...connectionFlags(hub)], env);

describe('outpost query (real processes)', () => {
  it('follows the continuation pages with --all over more than 100 devices', async () => {
    const all = await cs(['query', 'SELECT deviceId FROM devices', '--all', '--json']);
    expect(all.code).toBe(0);
    const rows = JSON.parse(all.stdout) as { deviceId: string }[];
    expect(rows).toHaveLength(FLEET);
    expect(new Set(rows.map((r) => r.deviceId)).size).toBe(FLEET);
    expect(all.stderr).toBe('');

    const small = await cs(['query', 'SELECT deviceId FROM devices', '--page-size', '7', '--all', '--json']);
    expect(JSON.parse(small.stdout)).toHaveLength(FLEET);
  });

  it('shows one page by default and says that more remain; --top cuts across pages', async () => {
    const first = await cs(['query', 'SELECT deviceId FROM devices', '--json']);
    expect(JSON.parse(first.stdout)).toHaveLength(100);
    expect(first.stderr).toMatch(/more remain: use --top <n> or --all/);
    const top = await cs([
      'query',
      'SELECT deviceId FROM devices',
      '--top',
      '120',
      '--page-size',
      '50',
      '--json',
    ]);
    expect(JSON.parse(top.stdout)).toHaveLength(120);
    const list = await cs(['device', 'list', '--all', '--json']);
    expect(JSON.parse(list.stdout)).toHaveLength(FLEET);
  });

  it('prints a table for projections and aggregates, and explains a bad query', async () => {
    const table = await cs(['query', "SELECT deviceId, status FROM devices WHERE deviceId = 'q-005'"]);
    expect(table.stdout).toBe('DEVICEID  STATUS\nq-005     enabled\n');
    const count = await cs(['query', 'SELECT COUNT() AS n FROM devices', '--json']);
    expect(JSON.parse(count.stdout)).toEqual([{ n: FLEET }]);
    const bad = await cs(['query', 'SELEKT * FROM devices']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/HTTP 400/);
  });
});

describe('outpost config (real processes)', () => {
  it('adds a configuration with a metric, lists and shows it, and removes it', async () => {
    const add = await cs([
      'config',
      'add',
      'fw-rollout',
      '--target',
      "deviceId = 'q-001'",
      '--priority',
      '10',
      '--content',
      '{"properties.desired.firmware":{"version":"1.3"}}',
      '--metric',
      "all=SELECT deviceId FROM devices WHERE deviceId = 'q-001'",
    ]);
    expect(add.stderr).toBe('');
    expect(add.stdout.trim()).toBe(
      "created configuration fw-rollout (priority 10, target deviceId = 'q-001')",
    );

    const list = await cs(['config', 'list', '--json']);
    const configs = JSON.parse(list.stdout) as { id: string; content: unknown }[];
    expect(configs.map((c) => c.id)).toEqual(['fw-rollout']);
    expect(configs[0]?.content).toEqual({
      deviceContent: { 'properties.desired.firmware': { version: '1.3' } },
    });
    const table = await cs(['config', 'list']);
    expect(table.stdout).toMatch(/^ID\s+PRIORITY\s+TARGETED\s+APPLIED/);
    expect(table.stdout).toMatch(/^fw-rollout\s+10\s/m);

    const show = await cs(['config', 'show', 'fw-rollout', '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({
      id: 'fw-rollout',
      metrics: { queries: { all: "SELECT deviceId FROM devices WHERE deviceId = 'q-001'" } },
    });

    const dup = await cs([
      'config',
      'add',
      'fw-rollout',
      '--target',
      '*',
      '--priority',
      '1',
      '--content',
      '{}',
    ]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/HTTP 409/);

    expect((await cs(['config', 'remove', 'fw-rollout'])).stdout.trim()).toBe(
      'removed configuration fw-rollout',
    );
    expect(JSON.parse((await cs(['config', 'list', '--json'])).stdout)).toEqual([]);
  });
});
