// The simulator against the real runtime: MQTT gateway, REST twin and method APIs, registry.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatedDevice } from '../../../edge-runtime/src/simulator/simulated-device';
import type {
  SimulatedDevice,
  SimulatedDeviceOptions,
} from '../../../edge-runtime/src/simulator/simulated-device-types';
import type { JsonObject } from '../../../edge-runtime/src/simulator/twin-client';
import { startTestHub, type TestHub } from '../../helpers/test-hub';

let hub: TestHub;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
});
afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.close()));
});

async function simulate(
  deviceId: string,
  options: Partial<SimulatedDeviceOptions> = {},
): Promise<SimulatedDevice> {
  const created = await hub.call('PUT', `/devices/${deviceId}`, { body: {} });
  expect(created.status).toBe(200);
  const key = (created.json as { authentication: { symmetricKey: { primaryKey: string } } }).authentication
    .symmetricKey.primaryKey;
  const device = createSimulatedDevice({
    hostName: 'localhost',
    url: hub.runtime.urls.mqtts,
    ca: hub.ca,
    deviceId,
    key,
    telemetryIntervalMs: 0,
    rebootDelayMs: 200,
    factoryResetDurationMs: 50,
    ...options,
  });
  devices.push(device);
  await device.start();
  return device;
}

async function reported(deviceId: string): Promise<JsonObject> {
  const twin = await hub.call('GET', `/twins/${deviceId}`);
  return (twin.json as { properties: { reported: JsonObject } }).properties.reported;
}

async function invoke(deviceId: string, methodName: string, payload: unknown = null) {
  const res = await hub.call('POST', `/twins/${deviceId}/methods`, {
    body: { methodName, payload, responseTimeoutInSeconds: 10 },
  });
  return res.json as { status: number; payload: unknown };
}

/** Polls an async check every 25 ms until it returns something truthy. */
async function eventually<T>(
  check: () => Promise<T>,
  what: string,
  timeoutMs = 8_000,
): Promise<NonNullable<T>> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const statusOf = (value: unknown) => (value as { status?: string } | undefined)?.status;

describe('simulated device against the real hub', () => {
  it('boots: its reported properties show in the REST twin and its telemetry is accepted', async () => {
    const before = hub.runtime.gatewayStats().telemetryAccepted;
    const device = await simulate('real-boot', { telemetryIntervalMs: 50 });
    expect(await reported('real-boot')).toMatchObject({
      firmwareVersion: '1.0.0',
      status: 'online',
      battery: expect.any(Number),
      configStatus: { status: 'applied', version: 1 },
    });
    const identity = await hub.call('GET', '/devices/real-boot');
    expect(identity.json).toMatchObject({ connectionState: 'Connected' });
    await eventually(async () => device.stats.telemetrySent >= 3, 'telemetry');
    expect(hub.runtime.gatewayStats().telemetryAccepted - before).toBeGreaterThanOrEqual(3);
  });

  it('configuration: a desired PATCH is applied and acknowledged with its $version', async () => {
    const device = await simulate('real-config');
    const patched = await hub.call('PATCH', '/twins/real-config', {
      body: { properties: { desired: { telemetryInterval: 0.5, logLevel: 'debug' } } },
      headers: { 'if-match': '"*"' },
    });
    expect(patched.status).toBe(200);
    const version = (patched.json as { properties: { desired: { $version: number } } }).properties.desired
      .$version;
    const after = await eventually(async () => {
      const r = await reported('real-config');
      return (r.configStatus as { version?: number })?.version === version ? r : undefined;
    }, 'configStatus.version');
    expect(after).toMatchObject({
      telemetryInterval: 0.5,
      logLevel: 'debug',
      configStatus: { status: 'applied' },
    });
    expect(device.config.telemetryIntervalMs).toBe(500);
  });

  it('reboot through POST /twins/{id}/methods: 200, offline, back, lastReboot and done', async () => {
    const device = await simulate('real-reboot');
    const accepted = hub.runtime.gatewayStats().connectsAccepted;
    expect(await invoke('real-reboot', 'reboot', { delay: 0.3 })).toMatchObject({
      status: 200,
      payload: { status: 'rebooting' },
    });
    const done = await eventually(async () => {
      const r = await reported('real-reboot');
      return statusOf(r.rebootStatus) === 'done' ? r : undefined;
    }, 'rebootStatus done');
    expect(done.lastReboot).toEqual(expect.any(String));
    expect(hub.runtime.gatewayStats().connectsAccepted).toBe(accepted + 1);
    expect(device.stats.boots).toBe(2);
    // Back online: it answers methods again.
    expect(await invoke('real-reboot', 'ping')).toMatchObject({ status: 404 });
  });

  it('factoryReset: resetting, reported back to defaults (others removed), done', async () => {
    const device = await simulate('real-reset', { reportIntervalMs: 0 });
    await device.reportProperties({ custom: { a: 1 } });
    expect(await invoke('real-reset', 'factoryReset')).toMatchObject({ status: 200 });
    const done = await eventually(async () => {
      const r = await reported('real-reset');
      return statusOf(r.factoryResetStatus) === 'done' ? r : undefined;
    }, 'factoryResetStatus done');
    expect(done).not.toHaveProperty('custom');
    expect(done).not.toHaveProperty('configStatus');
    expect(done).toMatchObject({ firmwareVersion: '1.0.0', telemetryInterval: 0, reportInterval: 0 });
  });

  it('answers unknown methods 404 and failMethods 500 through the service API', async () => {
    await simulate('real-methods', { failMethods: ['reboot'] });
    expect(await invoke('real-methods', 'selfDestruct')).toMatchObject({ status: 404 });
    expect(await invoke('real-methods', 'reboot')).toMatchObject({ status: 500 });
  });

  it('renews its SAS without re-subscribing and the gateway keeps its session', async () => {
    const device = await simulate('real-renew', { tokenValidSeconds: 2, tokenRenewalMarginSeconds: 1 });
    await eventually(async () => device.stats.tokenRenewals >= 1 && device.isConnected, 'renewal', 5_000);
    expect(await invoke('real-renew', 'nothing')).toMatchObject({ status: 404 });
    await hub.call('PATCH', '/twins/real-renew', {
      body: { properties: { desired: { logLevel: 'warn' } } },
      headers: { 'if-match': '"*"' },
    });
    await eventually(async () => device.config.logLevel === 'warn', 'desired patch after renewal');
  });

  it('works over MQTT on WebSockets (wss://…/$iothub/websocket) too', async () => {
    const device = await simulate('real-ws', { url: hub.runtime.urls.mqttWs });
    expect(await reported('real-ws')).toMatchObject({ status: 'online' });
    await device.sendTelemetry();
    expect(await invoke('real-ws', 'nothing')).toMatchObject({ status: 404 });
  });
});
