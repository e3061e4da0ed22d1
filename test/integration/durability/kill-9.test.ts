import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSasToken } from '@outpost/core';
import { afterAll, describe, expect, it } from 'vitest';
import { httpsRequest } from '../../helpers/https-client';
import { type HubProcess, startHubProcess } from '../../helpers/hub-process';
import { OWNER_KEY } from '../../helpers/test-hub';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function ownerToken(): string {
  return createSasToken({
    resourceUri: 'localhost',
    key: OWNER_KEY,
    policyName: 'iothubowner',
    expiresAt: Math.ceil(Date.now() / 1000) + 3600,
  });
}

async function call(
  hub: HubProcess,
  ca: string,
  method: string,
  p: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return httpsRequest({
    method,
    url: `${hub.httpsUrl}${p}?api-version=2021-04-12`,
    ca,
    headers: { authorization: ownerToken(), ...headers },
    ...(body !== undefined ? { body } : {}),
  });
}

describe('durability across kill -9', () => {
  it('keeps every acknowledged device and twin write', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'outpost-kill9-'));
    dirs.push(dataDir);
    const first = await startHubProcess(dataDir);
    const ca = await readFile(path.join(dataDir, 'tls/ca.pem'), 'utf8');

    const ackedDevices = new Set<string>();
    const ackedPatches = new Map<string, number>();
    let stop = false;
    // Writers keep going until the process dies under them; whatever got a 2xx must survive.
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const id = `k9-${w}-${i}`;
        try {
          const created = await call(first, ca, 'PUT', `/devices/${id}`, {});
          if (created.status !== 200) continue;
          ackedDevices.add(id);
          const patched = await call(
            first,
            ca,
            'PATCH',
            `/twins/${id}`,
            { properties: { desired: { n: i, w } } },
            { 'if-match': '"*"' },
          );
          if (patched.status === 200) ackedPatches.set(id, i);
        } catch {
          return; // connection refused or reset: the hub is gone
        }
      }
    };
    const writers = Array.from({ length: 16 }, (_, w) => writer(w));
    await new Promise((r) => setTimeout(r, 1500));
    expect(ackedDevices.size).toBeGreaterThan(20);
    await first.kill('SIGKILL');
    console.log(`acked before kill -9: ${ackedDevices.size} devices, ${ackedPatches.size} patches`);
    stop = true;
    await Promise.all(writers);

    const second = await startHubProcess(dataDir);
    try {
      for (const id of ackedDevices) {
        const res = await call(second, ca, 'GET', `/devices/${id}`);
        expect(res.status, `device ${id} was acknowledged before kill -9`).toBe(200);
      }
      for (const [id, n] of ackedPatches) {
        const res = await call(second, ca, 'GET', `/twins/${id}`);
        const desired = (res.json as { properties: { desired: { n?: number } } }).properties.desired;
        expect(desired.n, `desired patch of ${id}`).toBe(n);
      }
    } finally {
      await second.kill('SIGTERM');
    }
  }, 60_000);

  it('flushes and exits 0 on SIGTERM, and restarts with the same hub id and data', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'outpost-term-'));
    dirs.push(dataDir);
    const first = await startHubProcess(dataDir);
    const ca = await readFile(path.join(dataDir, 'tls/ca.pem'), 'utf8');
    const health = (await httpsRequest({ method: 'GET', url: `${first.httpsUrl}/health`, ca })).json as {
      hubId: string;
    };
    expect((await call(first, ca, 'PUT', '/devices/term-1', {})).status).toBe(200);
    expect(await first.kill('SIGTERM')).toBe(0);

    const second = await startHubProcess(dataDir);
    try {
      const again = (await httpsRequest({ method: 'GET', url: `${second.httpsUrl}/health`, ca })).json as {
        hubId: string;
      };
      expect(again.hubId).toBe(health.hubId);
      expect((await call(second, ca, 'GET', '/devices/term-1')).status).toBe(200);
      expect(second.stdout()).not.toContain('First start');
    } finally {
      await second.kill('SIGTERM');
    }
  }, 60_000);
});
