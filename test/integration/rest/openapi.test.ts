import { silentLogger } from '@outpost/core';
import { createHttpApp } from '@outpost/edge-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorCall } from '../../helpers/operator-client';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

interface Layer {
  route?: { path: string | RegExp; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every (method, path) registered on the app, walking nested routers. */
function registeredRoutes(stack: Layer[]): { method: string; path: string | RegExp }[] {
  const found: { method: string; path: string | RegExp }[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') found.push({ method, path: layer.route.path });
      }
    } else if (layer.handle?.stack) {
      found.push(...registeredRoutes(layer.handle.stack));
    }
  }
  return found;
}

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<string, { responses: Record<string, unknown>; requestBody?: unknown; security?: unknown[] }>
  >;
};

async function fetchDoc(): Promise<Doc> {
  const res = await operatorCall(hub, { method: 'GET', path: '/api/openapi.json' });
  expect(res.status).toBe(200);
  return res.json as Doc;
}

/** Whether a document path (`/twins/{id}`) covers an express path (`/twins/:id` or a RegExp). */
function covers(docPath: string, path: string | RegExp): boolean {
  if (typeof path === 'string') return docPath === path.replace(/:(\w+)/g, '{$1}');
  return path.test(docPath.replace(/\{\w+\}/g, 'x'));
}

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document, public, with contract schemas for bodies', async () => {
    const doc = await fetchDoc();
    expect(doc.openapi).toBe('3.1.0');
    const put = doc.paths['/devices/{id}']?.put;
    expect(put?.requestBody).toMatchObject({
      content: { 'application/json': { schema: { type: 'object', properties: { deviceId: {} } } } },
    });
    expect(doc.paths['/twins/{id}']?.patch?.requestBody).toBeDefined();
    expect(doc.paths['/metrics']?.get?.responses).toHaveProperty('401');
    expect(doc.paths['/health']?.get?.security).toEqual([]);
  });

  it('lists every route the express app registers', async () => {
    const doc = await fetchDoc();
    const app = createHttpApp({
      hub: hub.runtime.hub,
      hostNames: ['localhost'],
      skewSeconds: 300,
      logger: silentLogger,
      telemetry: hub.runtime.telemetry,
      metrics: hub.runtime.metrics,
      hubInfo: { caPemPath: hub.runtime.paths.caPem, describe: () => Promise.reject(new Error('unused')) },
    }) as unknown as { router: { stack: Layer[] } };
    const routes = registeredRoutes(app.router.stack);
    expect(routes.length).toBeGreaterThan(30);
    const missing = routes.filter(
      (r) => !Object.entries(doc.paths).some(([p, ops]) => ops[r.method] !== undefined && covers(p, r.path)),
    );
    expect(missing.map((r) => `${r.method.toUpperCase()} ${String(r.path)}`)).toEqual([]);
    // And nothing documented that the app does not serve.
    const extra = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops)
        .filter((m) => !routes.some((r) => r.method === m && covers(p, r.path)))
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(extra).toEqual([]);
  });
});
