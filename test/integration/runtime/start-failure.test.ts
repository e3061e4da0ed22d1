import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '@outpost/core';
import { startEdgeRuntime } from '@outpost/edge-runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../helpers/test-hub';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function listen(port = 0): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('startEdgeRuntime when a port is taken', () => {
  it('rejects, and releases everything it had opened', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'outpost-startfail-'));
    dirs.push(dataDir);
    const busy = await listen();
    const busyPort = (busy.address() as net.AddressInfo).port;
    // A free port for MQTTS: the failed start binds it first, so a leak would make the retry fail.
    const probe = await listen();
    const mqttsPort = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));

    await expect(
      startEdgeRuntime(testConfig(dataDir, { httpsPort: busyPort, mqttsPort }), { logger: silentLogger }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await new Promise((r) => busy.close(r));

    const runtime = await startEdgeRuntime(testConfig(dataDir, { httpsPort: 0, mqttsPort }), {
      logger: silentLogger,
    });
    try {
      expect(runtime.urls.mqtts).toContain(`:${mqttsPort}`);
    } finally {
      await runtime.close();
    }
  });
});
