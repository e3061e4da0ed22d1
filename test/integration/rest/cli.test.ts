import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildServiceConnectionString } from '@outpost/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);

let hub: TestHub;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  hub = await startTestHub();
  await hub.call('PUT', '/devices/cli-dev', { body: {} });
  env = { ...process.env, OUTPOST_CONNECTION_STRING: '', OUTPOST_URL: '', OUTPOST_CA: '' };
});
afterAll(() => hub.close());

function connectionString(policy: string): string {
  const p = hub.runtime.hub.policies.get(policy)!;
  return buildServiceConnectionString({ hostName: 'localhost', policyName: p.name, key: p.primaryKey });
}

function outpost(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, ['bin/outpost.mjs', ...args], {
    cwd: REPO_ROOT,
    env: { ...env, ...extraEnv },
  });
}

const connection = (policy = 'service') => [
  '--url',
  hub.runtime.urls.https,
  '--ca',
  hub.runtime.paths.caPem,
  '--connection-string',
  connectionString(policy),
];

describe('outpost c2d send (a real process)', () => {
  it('queues a message with properties and a content type and prints its id', async () => {
    const { stdout } = await outpost([
      'c2d',
      'send',
      'cli-dev',
      '{"reboot":true}',
      '--property',
      'priority=high',
      '--property',
      'note=a=b',
      '--content-type',
      'application/json',
      '--message-id',
      'cli-1',
      ...connection(),
    ]);
    expect(stdout.trim()).toBe('cli-1');
    const list = await hub.call('GET', '/api/v1/devices/cli-dev/messages');
    expect(list.json).toMatchObject([
      {
        messageId: 'cli-1',
        body: '{"reboot":true}',
        contentType: 'application/json',
        properties: { priority: 'high', note: 'a=b' },
      },
    ]);
  });

  it('takes the connection from OUTPOST_* variables', async () => {
    const { stdout } = await outpost(['c2d', 'send', 'cli-dev', 'from env', '--json'], {
      OUTPOST_URL: hub.runtime.urls.https,
      OUTPOST_CA: hub.runtime.paths.caPem,
      OUTPOST_CONNECTION_STRING: connectionString('service'),
    });
    expect(JSON.parse(stdout)).toMatchObject({ deviceId: 'cli-dev', sequenceNumber: 2 });
  });

  it('exits 1 with the hub error when the policy lacks ServiceConnect or the device is unknown', async () => {
    const denied = await outpost(['c2d', 'send', 'cli-dev', 'x', ...connection('registryRead')]).catch(
      (e) => e,
    );
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/HTTP 401 IotHubUnauthorizedAccess/);
    const unknown = await outpost(['c2d', 'send', 'nobody', 'x', ...connection()]).catch((e) => e);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/HTTP 404 DeviceNotFound/);
  });
});

describe('outpost telemetry tail (a real process)', () => {
  it('prints messages as they arrive, from a seq and for one device, as JSON lines', async () => {
    const from = await hub.runtime.telemetry.appendWithSeq({
      deviceId: 'tail-dev',
      enqueuedTime: new Date().toISOString(),
      systemProperties: {},
      properties: { k: 'v' },
      body: Buffer.from('before'),
    });
    const child = spawn(
      process.execPath,
      [
        'bin/outpost.mjs',
        'telemetry',
        'tail',
        '--json',
        '--device',
        'tail-dev',
        '--from',
        String(from),
        ...connection(),
      ],
      { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines: Record<string, unknown>[] = [];
    let stderr = '';
    let exited: number | null | undefined;
    let pending = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.stdout.on('data', (c: Buffer) => {
      const parts = (pending + c.toString()).split('\n');
      pending = parts.pop() ?? '';
      for (const p of parts) if (p) lines.push(JSON.parse(p));
    });
    child.on('exit', (code) => {
      exited = code;
    });
    const waitLines = async (n: number) => {
      while (lines.length < n) {
        if (exited !== undefined) throw new Error(`tail exited ${exited}: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    try {
      await waitLines(1); // the replayed message: the stream is open
      await hub.runtime.telemetry.append({
        deviceId: 'someone-else',
        enqueuedTime: new Date().toISOString(),
        systemProperties: {},
        properties: {},
        body: Buffer.from('not mine'),
      });
      await hub.runtime.telemetry.append({
        deviceId: 'tail-dev',
        enqueuedTime: new Date().toISOString(),
        systemProperties: { '$.mid': 'live' },
        properties: {},
        body: Buffer.from('after'),
      });
      await waitLines(2);
      expect(lines.map((l) => l.body)).toEqual(['before', 'after']);
      expect(lines[0]).toMatchObject({
        seq: from,
        deviceId: 'tail-dev',
        properties: { k: 'v' },
        bodyEncoding: 'utf8',
      });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
