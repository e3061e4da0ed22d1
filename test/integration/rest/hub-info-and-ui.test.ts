import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, operatorCall, TEST_ADMIN_PASSWORD } from '../../helpers/operator-client';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;
let token: string;

describe('GET /api/v1/hub and the CA download', () => {
  beforeAll(async () => {
    hub = await startTestHub({}, { uiDir: false });
    token = await loginAs(hub, 'admin', TEST_ADMIN_PASSWORD);
  });
  afterAll(() => hub.close());

  it('tells a viewer the hub id, version, host, ports, URLs and sizes', async () => {
    const res = await operatorCall(hub, { method: 'GET', path: '/api/v1/hub', token });
    expect(res.status).toBe(200);
    const info = res.json as Record<string, unknown> & { ports: { https: number; mqtts: number } };
    expect(info.hubId).toBe(hub.runtime.hub.hubId);
    expect(info.hostName).toBe('localhost');
    expect(info.ports.https).toBe(Number(new URL(hub.runtime.urls.https).port));
    expect(info.ports.mqtts).toBe(Number(new URL(hub.runtime.urls.mqtts).port));
    expect(info.urls).toMatchObject({
      mqttWs: expect.stringMatching(/^wss:\/\/localhost:\d+\/\$iothub\/websocket$/),
    });
    expect((info.store as { bytes: number }).bytes).toBeGreaterThan(0);
    expect(info.telemetryQueue).toMatchObject({ budgetBytes: expect.any(Number), records: 0 });
  });

  it('serves the CA as a PEM download, and refuses anonymous callers', async () => {
    const res = await operatorCall(hub, { method: 'GET', path: '/api/v1/hub/ca.pem', token });
    expect(res.status).toBe(200);
    expect(res.text).toBe(hub.ca);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="outpost-.+-ca\.pem"/);
    const anonymous = await operatorCall(hub, { method: 'GET', path: '/api/v1/hub' });
    expect(anonymous.status).toBe(401);
  });
});

describe('the operator UI at /', () => {
  let uiDir: string;
  let uiHub: TestHub;
  beforeAll(async () => {
    uiDir = await mkdtemp(path.join(os.tmpdir(), 'outpost-ui-'));
    await mkdir(path.join(uiDir, 'assets'));
    await writeFile(path.join(uiDir, 'index.html'), '<!doctype html><title>ui-under-test</title>');
    await writeFile(path.join(uiDir, 'assets', 'app-abc123.js'), 'console.log(1)');
    // The runtime takes the UI directory as an override (the desktop app passes its bundled copy).
    uiHub = await startTestHub({}, { uiDir });
  });
  afterAll(async () => {
    await uiHub.close();
    await rm(uiDir, { recursive: true, force: true });
  });

  it('serves index.html with a strict content security policy and no caching', async () => {
    const res = await operatorCall(uiHub, { method: 'GET', path: '/?' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('ui-under-test');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves hashed assets as immutable, and 404s in the IoT Hub format for unknown files', async () => {
    const asset = await operatorCall(uiHub, { method: 'GET', path: '/assets/app-abc123.js?' });
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const missing = await operatorCall(uiHub, { method: 'GET', path: '/assets/nope.js?' });
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('ErrorCode:NotFound');
  });

  it('says how to build the UI when it is not built', async () => {
    const bare = await startTestHub({}, { uiDir: path.join(uiDir, 'missing') });
    try {
      const res = await operatorCall(bare, { method: 'GET', path: '/?' });
      expect(res.status).toBe(503);
      expect(res.text).toContain('npm run build');
    } finally {
      await bare.close();
    }
  });
});
