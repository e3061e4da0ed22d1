import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpApp, createJsonLogger } from '@outpost/edge-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, TEST_ADMIN_PASSWORD } from '../../helpers/operator-client';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;
let server: http.Server;
const lines: string[] = [];

beforeAll(async () => {
  hub = await startTestHub();
  const app = createHttpApp({
    hub: hub.runtime.hub,
    hostNames: ['localhost'],
    skewSeconds: 300,
    logger: createJsonLogger('debug', (line) => lines.push(line)),
  });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await hub.close();
});

function get(path: string, authorization?: string): Promise<number> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: authorization ? { authorization } : {} }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

describe('HTTP access log', () => {
  it('logs method, path, status, ms and actor at debug, never the query or the credentials', async () => {
    const token = await loginAs(hub, 'admin', TEST_ADMIN_PASSWORD);
    const sas = hub.token('registryRead');
    expect(await get(`/devices?api-version=2021-04-12&access_token=${token}`, sas)).toBe(200);
    expect(await get('/api/v1/session', `Bearer ${token}`)).toBe(200);
    expect(await get('/nowhere?sig=secret')).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const entries = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.msg === 'http request');
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({
      level: 'debug',
      method: 'GET',
      path: '/devices',
      status: 200,
      actor: 'policy:registryRead',
    });
    expect(typeof entries[0]?.ms).toBe('number');
    expect(entries[1]).toMatchObject({ path: '/api/v1/session', actor: 'user:admin' });
    expect(entries[2]).toMatchObject({ path: '/nowhere', status: 404 });
    const all = lines.join('\n');
    expect(all).not.toContain(token);
    expect(all).not.toContain(sas.split('sig=')[1]?.split('&')[0] ?? 'never');
    expect(all).not.toContain('secret');
  });
});
